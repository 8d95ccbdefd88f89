package dev.aiaas.core.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.tabular.TabularModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Damaged and hostile model files: a small valid MLP (dense, batch norm, relu, dropout, a residual
 * block, softmax), a table classifier and an Adam checkpoint, each cut at every length, with
 * seeded random bytes changed (10,000 cases for the MLP and the table classifier, 4,000 for the
 * checkpoint, whose parser is the MLP's plus the optimiser state) (the CRC left as it was, and recomputed so that the parser itself
 * meets the damage), and with header values replaced by hostile ones (huge, negative,
 * overflowing, non-finite, malformed; keys dropped, repeated, nested deep). Every case ends in a
 * loaded model or a {@link ModelFormatException}, within a time bound per case (a hang fails the
 * test); nothing else: no other exception, no {@link OutOfMemoryError} or
 * {@link StackOverflowError}. Runs in the fuzz JVM (256 MB heap, off-heap capped at 512 MB), so an
 * allocation the file's bytes do not back fails the run; {@code -Daiaas.fuzz.scale=N} multiplies
 * the iterations.
 */
@Tag("fuzz")
class ModelFileFuzzTest {

    private static final int SCALE = Integer.getInteger("aiaas.fuzz.scale", 1);
    /** Far beyond any load of these files (about a millisecond): a case that takes this long hangs. */
    private static final long CASE_SECONDS = 60;
    private static final String[] HOSTILE = {"", "-1", "0", "1", "2147483647", "2147483648", "-2147483648", "4294967296",
        "9223372036854775807", "-9223372036854775808", "99999999999999999999", "5000000", "NaN", "Infinity", "-Infinity", "1e308",
        "1e-320", "3e38", "0x1p3", "1f", " 1", "+7", "1,2", "65536,65536", "2147483647,2", "relu", "residual", "time_distributed",
        "dense", "float16", "true", "\u0000", "\u00e9", "=", "x".repeat(5000)};

    private static ExecutorService worker;

    @TempDir
    Path dir;
    /** Where the cases are written: a RAM disk where the system has one (tens of thousands of small writes), else {@link #dir}. */
    private Path scratch;

    @BeforeEach
    void scratch() throws IOException {
        Path shm = Path.of("/dev/shm");
        scratch = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "aiaas-fuzz-") : dir;
    }

    @AfterEach
    void clean() throws IOException {
        if (!scratch.equals(dir)) {
            try (Stream<Path> files = Files.list(scratch)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(scratch);
        }
    }

    @BeforeAll
    static void start() {
        Backends.current();
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "model-file-fuzz");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stop() {
        worker.shutdownNow();
    }

    /** A loader under test: reads the file, closes what it made. */
    @FunctionalInterface
    private interface Loader {
        void load(Path file) throws Exception;
    }

    private static final Loader MODEL = f -> ModelIO.load(f).close();
    private static final Loader TABULAR = f -> TabularModel.load(f).close();
    private static final Loader CHECKPOINT = f -> ModelIO.loadCheckpoint(f).close();

    /** How the cases of one file ended. */
    private static final class Tally {
        int loaded;
        int refusedByCrc;
        int refusedByParser;
        final Map<String, Integer> faults = new LinkedHashMap<>();

        @Override
        public String toString() {
            return "loaded " + loaded + ", refused by the CRC " + refusedByCrc + ", refused by the parser " + refusedByParser;
        }
    }

    /** Loads one case within the time bound; anything but success or a ModelFormatException fails the test. */
    private void run(Loader loader, byte[] bytes, String what, Tally tally) throws Exception {
        Path f = scratch.resolve("fuzz.aiaas");
        Files.write(f, bytes);
        Future<?> done = worker.submit(() -> {
            loader.load(f);
            return null;
        });
        try {
            done.get(CASE_SECONDS, TimeUnit.SECONDS);
            tally.loaded++;
        } catch (TimeoutException e) {
            done.cancel(true);
            fail(what + ": the load did not end within " + CASE_SECONDS + " s");
        } catch (ExecutionException e) {
            Throwable t = e.getCause();
            if (!(t instanceof ModelFormatException)) {
                fail(what + ": a malformed model file must end in a ModelFormatException, not " + t, t);
            }
            if (t.getMessage().contains("CRC-32")) {
                tally.refusedByCrc++;
            } else {
                tally.refusedByParser++;
                String m = t.getMessage();
                String fault = m.substring(m.indexOf(": ") + 2, Math.min(m.length(), m.indexOf(": ") + 40));
                tally.faults.merge(fault, 1, Integer::sum);
            }
        }
    }

    /** Runs the cases of one file: every truncation, {@code flips} random changes, 2,000 hostile headers (times the scale). */
    private void fuzz(Loader loader, byte[] good, long seed, int flips) throws Exception {
        Tally t = new Tally();
        run(loader, good, "the valid file", t);
        assertTrue(t.loaded == 1, "the valid file loads");
        // every truncation
        for (int n = 0; n < good.length; n++) {
            run(loader, Arrays.copyOf(good, n), "the file cut to " + n + " bytes", t);
        }
        assertTrue(t.loaded == 1, "no truncation loads");
        SplittableRandom random = new SplittableRandom(seed);
        // random byte changes, the CRC as it was and recomputed
        for (int i = 0; i < flips * SCALE; i++) {
            boolean recrc = i % 2 == 1;
            byte[] b = good.clone();
            StringBuilder what = new StringBuilder(recrc ? "CRC-recomputed flips" : "flips");
            // half of the recomputed ones hit the header, where the parser has the most to get wrong
            int from = recrc && random.nextBoolean() ? ModelFileBytes.HEADER_AT : 0;
            int to = from > 0 ? ModelFileBytes.arraysAt(good) + 13 : b.length;
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                int at = from + random.nextInt(to - from);
                int x = 1 + random.nextInt(255);
                b[at] ^= (byte) x;
                what.append(" [").append(at).append("]^").append(x);
            }
            run(loader, recrc ? ModelFileBytes.recrc(b) : b, what.toString(), t);
        }
        // hostile header values, keys dropped, repeated or nested deep, the CRC recomputed
        List<String> keys = new ArrayList<>(ModelFileBytes.header(good).keySet());
        for (int i = 0; i < 2_000 * SCALE; i++) {
            LinkedHashMap<String, String> h = ModelFileBytes.header(good);
            String key = keys.get(random.nextInt(keys.size()));
            String what;
            String text;
            switch (random.nextInt(6)) {
                case 0 -> {
                    h.remove(key);
                    what = "without " + key;
                    text = ModelFileBytes.format(h);
                }
                case 1 -> {
                    what = key + " repeated";
                    text = ModelFileBytes.format(h) + key + "=" + h.get(key) + "\n";
                }
                case 2 -> {
                    int depth = 1 + random.nextInt(200);
                    ModelFileLimitsTest.nested(h, depth, random.nextBoolean());
                    what = "layers nested " + depth + " deep";
                    text = ModelFileBytes.format(h);
                }
                default -> {
                    String v = HOSTILE[random.nextInt(HOSTILE.length)];
                    h.put(key, v);
                    what = key + "=" + Inputs.excerpt(v);
                    text = ModelFileBytes.format(h);
                }
            }
            run(loader, ModelFileBytes.withHeader(good, text), what, t);
        }
        // the finding: layers nested thousands deep (a StackOverflowError before)
        for (boolean residual : new boolean[] {true, false}) {
            int depth = residual ? 1_000 : 2_000;
            run(loader, ModelFileBytes.withHeader(good, ModelFileBytes.format(ModelFileLimitsTest.nested(ModelFileBytes.header(good),
                    depth, residual))), depth + " nested layers", t);
        }
        assertTrue(t.refusedByParser > flips / 10 * SCALE, "the parser itself met the damage: " + t);
        assertTrue(t.loaded > 1, "some damage leaves a loadable model (values changed, unused entries): " + t);
    }

    @Test
    void anMlpFileWithBatchNormDropoutAndAResidualBlock() throws Exception {
        Path f = dir.resolve("mlp.aiaas");
        try (Model m = ModelFileLimitsTest.mlp(DataType.FLOAT)) {
            ModelIO.save(m, f);
        }
        fuzz(MODEL, Files.readAllBytes(f), 1, 10_000);
    }

    @Test
    void aTableClassifierFile() throws Exception {
        byte[] good;
        try (InputStream in = ModelFileFuzzTest.class.getResourceAsStream("/dev/aiaas/core/tabular/tabular-format-1.aiaas")) {
            good = in.readAllBytes();
        }
        fuzz(TABULAR, good, 2, 10_000);
    }

    @Test
    void anAdamCheckpoint() throws Exception {
        Path f = dir.resolve("ckpt.aiaas");
        Optimizer adam = Optimizers.adam(1e-3);
        try (Model m = ModelFileLimitsTest.mlp(DataType.FLOAT); Optimizer.State s = adam.newState(m.parameterCount(), m.dataType())) {
            ModelIO.saveCheckpoint(m, adam, s, 3, Map.of("note", new String(new byte[] {'o', 'k'}, StandardCharsets.UTF_8)), f);
        }
        fuzz(CHECKPOINT, Files.readAllBytes(f), 3, 4_000);
    }
}
