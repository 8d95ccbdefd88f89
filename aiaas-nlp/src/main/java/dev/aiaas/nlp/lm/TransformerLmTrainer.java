package dev.aiaas.nlp.lm;

import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.math.Buf;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.optim.Schedule;
import dev.aiaas.core.optim.Schedules;
import dev.aiaas.core.train.Callback;
import dev.aiaas.core.train.GradientTransform;
import dev.aiaas.core.train.Trainer;
import dev.aiaas.nlp.text.Vocabulary;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training of {@link TransformerLanguageModel}: options and sentences in, a trained model out.
 * Builds the vocabulary (words seen at least {@code minCount} times, the LSTM's rule), cuts the
 * sentences into rows as the LSTM's trainer does ({@link LstmLmTrainer.Rows}), builds the network
 * ({@link #network}) and fits it with aiaas-core's {@link Trainer}
 * ({@code Losses.sequenceSparseSoftmaxCrossEntropy()}, Adam with decoupled weight decay on the
 * kernels only ({@link KernelDecay}), a warm-up and cosine schedule, optional clipping by global
 * norm). The model then takes the network's parameters θ; the network
 * itself is closed. With {@code tieEmbeddings}, the output kernel starts as the word-vector table
 * transposed and {@link TiedTables} keeps it so ({@link TransformerLmOptions}). Only the training sentences (and, when given, the validation sentences for
 * the history's {@code val_loss}) are read; nothing is chosen by the validation loss.
 */
final class TransformerLmTrainer {

  private TransformerLmTrainer() {}

  /**
   * Trains a model, validating it after each epoch on other sentences when given.
   *
   * @param sentences the training sentences, without {@code <s>} and {@code </s>}
   * @param options size and training settings
   * @param validation sentences to report {@code val_loss} on, or null for none
   * @param callbacks run by the trainer
   * @return the model and the trainer's history
   * @throws IllegalArgumentException when the corpus has no token or the validation corpus no
   *     sentence
   */
  static TransformerLanguageModel.Trained train(
      Iterable<? extends List<String>> sentences,
      TransformerLmOptions options,
      Iterable<? extends List<String>> validation,
      Callback... callbacks) {
    Vocabulary vocabulary = LstmLmTrainer.vocabulary(sentences, options.minCount());
    int t = options.context();
    int k = options.contextOverlap();
    LstmLmTrainer.Rows rows = LstmLmTrainer.Rows.of(LstmLmTrainer.encode(sentences, vocabulary), t, k);
    LstmLmTrainer.Rows val =
        validation == null ? null : LstmLmTrainer.Rows.of(LstmLmTrainer.encode(validation, vocabulary), t, k);
    long stepsPerEpoch = (rows.count + options.batchSize() - 1) / options.batchSize();
    long total = Math.max(2, stepsPerEpoch * options.epochs());
    long warm = Math.max(1, Math.min(total - 1, Math.round(options.warmup() * total)));
    Schedule schedule = Schedules.cosine(warm, total, TransformerLmOptions.MIN_LR_FACTOR);
    Trainer.Builder trainer =
        Trainer.builder(Losses.sequenceSparseSoftmaxCrossEntropy())
            .optimizer(Optimizers.adam(options.learningRate()))
            .schedule(schedule)
            .epochs(options.epochs())
            .batchSize(options.batchSize())
            .seed(options.seed())
            .callbacks(callbacks);
    if (options.clipNorm() > 0) {
      trainer.clipNorm(options.clipNorm());
    }
    if (options.tieEmbeddings()) {
      trainer.gradientTransforms(new TiedTables(vocabulary.size(), options.dim()));
    }
    if (options.weightDecay() > 0) {
      trainer.gradientTransforms(new KernelDecay(schedule, options.learningRate(), options.weightDecay(),
          options.tieEmbeddings() ? (long) vocabulary.size() * options.dim() : 0));
    }
    try (Model network = network(vocabulary.size(), options)) {
      if (options.tieEmbeddings()) {
        TiedTables.tie(network.parameters(), vocabulary.size(), options.dim());
      }
      LstmLmTrainer.Fitted f = LstmLmTrainer.fit(network, rows, val, trainer);
      return new TransformerLanguageModel.Trained(
          TransformerLanguageModel.fromOwnedParameters(vocabulary, options, f.theta()), f.history());
    }
  }

  /**
   * The network for a vocabulary of {@code v} ids, over rows of T = {@code context} positions:
   *
   * <pre>
   * embedding(V, D), positionEmbedding(T), [timeDistributed(dropout(p))],
   * N × Layers.transformerBlock(D, H, F, p, causal),
   * timeDistributed(layerNorm()), timeDistributed(dense(V))
   * </pre>
   *
   * The dropout after the embeddings is there only when p &gt; 0 (it has no parameters, so θ's
   * layout does not depend on it). Its parameters θ are what {@link TransformerLanguageModel}
   * scores with and what its file stores.
   *
   * @param v the vocabulary size V
   * @param o the options
   * @return a new network; the caller closes it
   */
  static Model network(int v, TransformerLmOptions o) {
    return network(v, o, DataType.FLOAT);
  }

  /** {@link #network(int, TransformerLmOptions)} in another data type (float64 for the tests' reference). */
  static Model network(int v, TransformerLmOptions o, DataType type) {
    Model.Builder b = Model.builder(o.context());
    layers(v, o).forEach(b::add);
    return b.seed(o.seed()).dataType(type).build();
  }

  /** The layers of {@link #network}, in order. */
  static List<Layer> layers(int v, TransformerLmOptions o) {
    List<Layer> b = new ArrayList<>();
    b.add(Layers.embedding(v, o.dim()));
    b.add(Layers.positionEmbedding(o.context()));
    if (o.dropout() > 0) {
      b.add(Layers.timeDistributed(Layers.dropout(o.dropout())));
    }
    for (int i = 0; i < o.layers(); i++) {
      b.addAll(Layers.transformerBlock(o.dim(), o.heads(), o.ffnWidth(), o.dropout(), true));
    }
    b.add(Layers.timeDistributed(Layers.layerNorm()));
    b.add(Layers.timeDistributed(Layers.dense(v)));
    return b;
  }

  /**
   * P = V·D + T·D + N(12D² + ... ) + 2D + D·V + V: the network's parameter count, block by block
   * (2D + 4D² + 4D for the attention half, 2D + D·F + F + F·D + D for the MLP half).
   */
  static long parameterCount(long v, TransformerLmOptions o) {
    long d = o.dim();
    long f = o.ffnWidth();
    long block = 2 * d + 4 * d * d + 4 * d + 2 * d + d * f + f + f * d + d;
    return v * d + (long) o.context() * d + o.layers() * block + 2 * d + d * v + v;
  }

  /**
   * Weight tying over θ's two copies of the V·D table: the embedding E [V, D] at θ[0, V·D),
   * column-major (E[v, k] at v + V·k), and the output kernel W [D, V] just before the output bias
   * at the end of θ, column-major (W[k, v] at w + k + D·v). Before each optimiser step (after
   * clipping, which the trainer applies first) both get g = ∂L/∂E[v, k] + ∂L/∂W[k, v], the gradient
   * of the loss with respect to the one shared value (the chain rule through both uses). Started
   * equal ({@link #tie}) and updated element-wise by the same rule from the same gradients and
   * moments, the copies stay equal bit for bit, so the trained θ has W = Eᵀ exactly.
   */
  static final class TiedTables implements GradientTransform {
    private final int v;
    private final int d;

    /**
     * @param v the vocabulary size V
     * @param d the model width D
     */
    TiedTables(int v, int d) {
      this.v = v;
      this.d = d;
    }

    /** Where W starts in θ of length {@code p}: before the output kernel's V·D values and the bias's V. */
    static long outputKernelOffset(long p, int v, int d) {
      return p - v - (long) v * d;
    }

    /**
     * Sets W = Eᵀ in θ (E kept).
     *
     * @param theta the network's θ, 1-D
     * @param v V
     * @param d D
     */
    static void tie(INDArray theta, int v, int d) {
      Buf p = Buf.of(theta);
      int w = (int) outputKernelOffset(p.length, v, d);
      for (int id = 0; id < v; id++) {
        for (int k = 0; k < d; k++) {
          p.set(w + k + d * id, p.get(id + v * k));
        }
      }
    }

    /**
     * Whether θ has W = Eᵀ exactly.
     *
     * @param theta θ in the network's order
     * @param v V
     * @param d D
     * @return true when every W[k, v] equals E[v, k]
     */
    static boolean tied(float[] theta, int v, int d) {
      int w = (int) outputKernelOffset(theta.length, v, d);
      for (int id = 0; id < v; id++) {
        for (int k = 0; k < d; k++) {
          if (Float.floatToIntBits(theta[w + k + d * id]) != Float.floatToIntBits(theta[id + v * k])) {
            return false;
          }
        }
      }
      return true;
    }

    @Override
    public Bound bind(Model model) {
      long p = model.parameterCount();
      if (p < 2L * v * d + v) {
        throw new IllegalArgumentException("weight tying needs a network of at least 2·V·D + V = " + (2L * v * d + v)
            + " parameters (V=" + v + ", D=" + d + "); this one has " + p);
      }
      return (parameters, gradients) -> {
        Buf g = Buf.of(gradients);
        int w = (int) outputKernelOffset(g.length, v, d);
        for (int id = 0; id < v; id++) {
          int at = w + d * id;
          for (int k = 0; k < d; k++) {
            int e = id + v * k;
            double sum = g.get(e) + g.get(at + k);
            g.set(e, sum);
            g.set(at + k, sum);
          }
        }
        return 0;
      };
    }

    @Override
    public String toString() {
      return "tiedTables(V=" + v + ", D=" + d + ")";
    }
  }

  /**
   * AdamW's decoupled weight decay (Loshchilov and Hutter 2019) on the kernels only: after each
   * optimiser step t, θᵢ ← θᵢ (1 − η_t λ) for every i in the model's kernel slices
   * ({@code Model.kernelSlices()}: the dense kernels of the attention, the MLP and the output),
   * with η_t = η · schedule(t) the step's learning rate; word vectors, positions, layer-norm gains
   * and shifts and biases are not decayed (decaying a gain pulls it toward 0, not toward the
   * identity it starts at). With tied tables the word-vector table is decayed as well (its first
   * {@code tiedTable} values of θ), as the output kernel it equals. The trainer's optimiser is then
   * plain Adam. The decay follows the step (PyTorch's AdamW applies it before): a difference of
   * η_t λ times the step, second order.
   */
  static final class KernelDecay implements GradientTransform {
    private final Schedule schedule;
    private final double learningRate;
    private final double lambda;
    private final long tiedTable;

    /**
     * @param schedule the trainer's schedule (step-based: its epoch argument is not read)
     * @param learningRate the peak η
     * @param lambda λ, positive
     * @param tiedTable the length of the word-vector table at the start of θ to decay too, 0 for none
     */
    KernelDecay(Schedule schedule, double learningRate, double lambda, long tiedTable) {
      this.schedule = schedule;
      this.learningRate = learningRate;
      this.lambda = lambda;
      this.tiedTable = tiedTable;
    }

    @Override
    public Bound bind(Model model) {
      List<long[]> slices = new ArrayList<>();
      if (tiedTable > 0) {
        slices.add(new long[] {0, tiedTable});
      }
      slices.addAll(model.kernelSlices());
      int[][] ranges = new int[slices.size()][];
      for (int i = 0; i < ranges.length; i++) {
        ranges[i] = new int[] {Math.toIntExact(slices.get(i)[0]), Math.toIntExact(slices.get(i)[1])};
      }
      return new Bound() {
        private long step;

        @Override
        public double beforeStep(INDArray parameters, INDArray gradients) {
          return 0;
        }

        @Override
        public void afterStep(INDArray parameters) {
          step++;
          double keep = 1 - learningRate * schedule.factor(step, 0) * lambda;
          Buf p = Buf.of(parameters);
          for (int[] r : ranges) {
            for (int i = r[0]; i < r[1]; i++) {
              p.set(i, p.get(i) * keep);
            }
          }
        }
      };
    }

    @Override
    public String toString() {
      return "kernelDecay(λ=" + lambda + ")";
    }
  }
}
