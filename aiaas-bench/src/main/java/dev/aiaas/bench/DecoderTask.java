package dev.aiaas.bench;

import dev.aiaas.nlp.corpus.Corpora;
import dev.aiaas.nlp.lm.TransformerLanguageModel;
import dev.aiaas.nlp.lm.TransformerLmOptions;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What a GPT-style decoder workload does per step, on the CLI's default transformer language
 * model ({@link TransformerLmOptions#defaults()}: 2 blocks, 4 heads, D = 128, T = 48) over the
 * vocabulary of the embedded Moby-Dick training chapters, with the seed's initial weights
 * ({@link TransformerLanguageModel#initialised}: speed does not depend on training):
 *
 * <ul>
 *   <li>{@link Kind#DECODE} ({@code gpt-decode-t48}): batch 1, the next-word distribution at each
 *       of T positions one after the other, as generation computes it (aiaas: the KV-cached
 *       {@code scoreLog10} from state to state on the model's {@code float32()} path, as
 *       {@code lm sample} and serving generate; a runtime without a cache re-runs the prefix);</li>
 *   <li>{@link Kind#PROMPT} ({@code gpt-prompt-t48}): batch 1, the distributions of all T positions
 *       of a given prompt at once (aiaas: {@code sentenceScoresLog10} on the {@code float32()} path: one pass over all
 *       positions; {@code lm eval} scores the same way on the float64 model);</li>
 *   <li>{@link Kind#TRAIN} ({@code gpt-train-b32-t48}): one training step of the network at the
 *       CLI's batch size 32 (forward, sequence cross-entropy, backward, Adam).</li>
 * </ul>
 *
 * @param kind what one step does
 */
public record DecoderTask(Kind kind) implements BenchTask {

    /** What one step does. */
    public enum Kind {
        /** T next-word distributions, one position at a time. */
        DECODE,
        /** T next-word distributions of a prompt at once. */
        PROMPT,
        /** One training step of batch 32. */
        TRAIN
    }

    /** The training step's batch size (the CLI's default). */
    public static final int TRAIN_BATCH = 32;

    private static TransformerLanguageModel model;

    /** @param kind what one step does */
    public DecoderTask {
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null; give DECODE, PROMPT or TRAIN");
        }
    }

    /** {@return the three tasks: decode, prompt, train} */
    public static List<DecoderTask> tasks() {
        return List.of(new DecoderTask(Kind.DECODE), new DecoderTask(Kind.PROMPT), new DecoderTask(Kind.TRAIN));
    }

    /** {@return T, the positions of one step (the model's context)} */
    public int tokens() {
        return options().context();
    }

    /** {@return {@code gpt-decode-t48}, {@code gpt-prompt-t48} or {@code gpt-train-b32-t48}} */
    @Override
    public String benchmark() {
        return switch (kind) {
            case DECODE -> "gpt-decode-t" + tokens();
            case PROMPT -> "gpt-prompt-t" + tokens();
            case TRAIN -> "gpt-train-b" + TRAIN_BATCH + "-t" + tokens();
        };
    }

    /** {@return the CLI's default options} */
    public static TransformerLmOptions options() {
        return TransformerLmOptions.defaults();
    }

    /** {@return the model, built once per JVM (the Moby-Dick vocabulary, initial weights)} */
    public static synchronized TransformerLanguageModel model() {
        if (model == null) {
            model = TransformerLanguageModel.initialised(Corpora.mobyDickTrain(), options());
        }
        return model;
    }

    /**
     * The arithmetic floor of one step: per position 2·N·(4D² + 2DF) for the blocks plus 2·D·V for the
     * output layer (the attention's 4·t·D per position left out); a training step is three times the
     * forward pass of B rows.
     *
     * @return FLOP per step
     */
    @Override
    public double flops() {
        TransformerLmOptions o = options();
        double d = o.dim();
        double perPosition = 2.0 * o.layers() * (4 * d * d + 2 * d * o.ffnWidth()) + 2.0 * d * model().vocabulary().size();
        double forward = perPosition * tokens();
        return kind == Kind.TRAIN ? 3 * forward * TRAIN_BATCH : forward;
    }

    /**
     * The word ids of the steps: {@code rows} rows of T seeded ids in [3, V) (no {@code <unk>},
     * {@code <s>}, {@code </s>}), row-major.
     *
     * @param rows how many rows
     * @return rows·T ids
     */
    public int[] ids(int rows) {
        int v = model().vocabulary().size();
        SplittableRandom r = new SplittableRandom(11);
        int[] ids = new int[rows * tokens()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(3, v);
        }
        return ids;
    }
}
