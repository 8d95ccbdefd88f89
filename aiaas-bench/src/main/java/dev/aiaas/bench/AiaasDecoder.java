package dev.aiaas.bench;

import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.nlp.lm.LmState;
import dev.aiaas.nlp.lm.TransformerLanguageModel;
import dev.aiaas.nlp.text.Vocabulary;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * aiaas on a {@link DecoderTask}: decoding is {@link TransformerLanguageModel#scoreLog10} from
 * state to state (the KV cache: one incremental step per position, the next-word distribution
 * computed once per state), the prompt {@link TransformerLanguageModel#sentenceScoresLog10} (all
 * positions in one pass), both on the model's {@link TransformerLanguageModel#float32()} path: the
 * packed float32 Vector API kernel when the JVM runs with {@code --add-modules
 * jdk.incubator.vector}, else the float64 path ({@code -Daiaas.vector=false} measures that one);
 * the training step is the float32 network's ({@link
 * TransformerLanguageModel#network()}) {@code forward(x, true)}, sequence cross-entropy,
 * {@code backward} and Adam, as the trainer does per batch.
 */
public final class AiaasDecoder extends TaskWorkload<DecoderTask> {

    private TransformerLanguageModel lm;
    private int[] ids;
    private double[] scores;
    private Model network;
    private INDArray x;
    private INDArray y;
    private INDArray grad;
    private Loss loss;
    private Optimizer optimizer;
    private Optimizer.State state;
    private long t;

    /** @param task the task */
    public AiaasDecoder(DecoderTask task) {
        super(task);
    }

    @Override
    public String engine() {
        return "aiaas";
    }

    /** Decoding and prompts run on the calling thread in Java; only the training step uses ND4J's threads. */
    @Override
    public boolean usesComputeThreads() {
        return task.kind() == DecoderTask.Kind.TRAIN;
    }

    @Override
    public void setup() {
        lm = task.kind() == DecoderTask.Kind.TRAIN ? DecoderTask.model() : DecoderTask.model().float32();
        int tokens = task.tokens();
        switch (task.kind()) {
            case DECODE -> {
                ids = task.ids(1);
            }
            case PROMPT -> {
                ids = task.ids(1);
                scores = new double[tokens];
            }
            case TRAIN -> {
                int rows = DecoderTask.TRAIN_BATCH;
                int[] all = task.ids(rows + 1);
                float[] in = new float[rows * tokens];
                float[] target = new float[rows * tokens];
                for (int r = 0; r < rows; r++) {
                    in[r * tokens] = Vocabulary.BOS;
                    for (int i = 0; i < tokens; i++) {
                        target[r * tokens + i] = all[r * tokens + i];
                        if (i > 0) {
                            in[r * tokens + i] = all[r * tokens + i - 1];
                        }
                    }
                }
                network = lm.network();
                x = Nd4j.create(in, new long[] {rows, tokens}, 'c');
                y = Nd4j.create(target, new long[] {rows, tokens}, 'c');
                grad = Nd4j.create(DataType.FLOAT, withBatch(rows, network.outputShape()), 'f'); // [B, T, V], as the loss writes it
                loss = Losses.sequenceSparseSoftmaxCrossEntropy();
                optimizer = Optimizers.adam(MlpTask.LEARNING_RATE);
                state = optimizer.newState(network.parameterCount(), network.dataType());
                t = 0;
            }
            default -> throw new IllegalStateException("unknown kind " + task.kind());
        }
    }

    private static long[] withBatch(int rows, long[] shape) {
        long[] s = new long[shape.length + 1];
        s[0] = rows;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    @Override
    public void step() {
        switch (task.kind()) {
            case DECODE -> {
                // as Sampler.sample steps from state to state (two states, swapped)
                LmState in = lm.beginSentenceState();
                LmState out = lm.newState();
                double total = 0;
                for (int id : ids) {
                    total += lm.scoreLog10(in, id, out);
                    LmState swap = in;
                    in = out;
                    out = swap;
                }
                if (!(total < 0)) {
                    throw new IllegalStateException("decoding scored log10 " + total + "; expected a negative total");
                }
            }
            case PROMPT -> lm.sentenceScoresLog10(ids, ids.length, scores);
            case TRAIN -> {
                INDArray out = network.forward(x, true);
                loss.compute(out, y, grad);
                network.backward(grad);
                optimizer.step(network.parameters(), network.gradients(), state, MlpTask.LEARNING_RATE, ++t);
            }
            default -> throw new IllegalStateException("unknown kind " + task.kind());
        }
    }

    @Override
    public void close() {
        Closer.closeAll(state, x, y, grad);
        if (network != null) {
            network.close();
        }
        network = null;
        state = null;
        x = y = grad = null;
        ids = null;
        scores = null;
    }
}
