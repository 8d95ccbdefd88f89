package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.aiaas.core.io.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LSTM language model's file ({@code lstm-lm-format-1.aiaas}) cut at every length, with 10,000
 * seeded random byte changes (half with the CRC recomputed, so that the parser and the
 * {@code lm.*} checks meet the damage), and with hostile {@code lm.*} and header values: each case
 * ends in a loaded model or a {@link ModelFormatException} within a time bound, nothing else.
 * Runs in the fuzz JVM (small heap, capped off-heap); {@code -Daiaas.fuzz.scale=N} multiplies the
 * iterations.
 */
@Tag("fuzz")
class LstmLmFileFuzzTest {

  private static final int SCALE = Integer.getInteger("aiaas.fuzz.scale", 1);
  private static final long CASE_SECONDS = 60;
  private static final String[] HOSTILE = {
    "", "-1", "0", "1", "2", "2147483647", "2147483648", "9223372036854775807", "NaN", "Infinity",
    "1e308", "0x1p3", "1f", " 1", "\\", "a\\", "a b a", "<s>", "</s>", "<unk>", "\\s\\s", "x".repeat(3000)
  };

  @TempDir Path dir;
  private Path scratch;
  private ExecutorService worker;
  private int loaded;
  private int refusedByParser;

  @BeforeEach
  void start() throws IOException {
    Path shm = Path.of("/dev/shm");
    scratch = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "aiaas-fuzz-") : dir;
    worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "lstm-file-fuzz");
      t.setDaemon(true);
      return t;
    });
  }

  @AfterEach
  void stop() throws IOException {
    worker.shutdownNow();
    if (!scratch.equals(dir)) {
      try (Stream<Path> files = Files.list(scratch)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(scratch);
    }
  }

  private void run(byte[] bytes, String what) throws Exception {
    Path f = scratch.resolve("lm.aiaas");
    Files.write(f, bytes);
    Future<LstmLanguageModel> done = worker.submit(() -> LstmLanguageModel.load(f));
    try {
      done.get(CASE_SECONDS, TimeUnit.SECONDS);
      loaded++;
    } catch (TimeoutException e) {
      done.cancel(true);
      fail(what + ": the load did not end within " + CASE_SECONDS + " s");
    } catch (ExecutionException e) {
      Throwable t = e.getCause();
      if (!(t instanceof ModelFormatException)) {
        fail(what + ": a malformed LSTM model file must end in a ModelFormatException, not " + t, t);
      }
      if (!t.getMessage().contains("CRC-32")) {
        refusedByParser++;
      }
    }
  }

  @Test
  void truncationsFlipsAndHostileEntriesEndInAModelOrAModelFormatException() throws Exception {
    byte[] good = LstmLmFileTest.fixture();
    run(good, "the valid file");
    assertEquals(1, loaded);
    for (int n = 0; n < good.length; n++) {
      run(Arrays.copyOf(good, n), "the file cut to " + n + " bytes");
    }
    assertEquals(1, loaded, "no truncation loads");
    SplittableRandom random = new SplittableRandom(4);
    int headerEnd = LmFileBytes.HEADER_AT + LmFileBytes.headerLength(good);
    for (int i = 0; i < 10_000 * SCALE; i++) {
      boolean recrc = i % 2 == 1;
      byte[] b = good.clone();
      int from = recrc && random.nextBoolean() ? LmFileBytes.HEADER_AT : 0;
      int to = from > 0 ? headerEnd : b.length;
      StringBuilder what = new StringBuilder(recrc ? "CRC-recomputed flips" : "flips");
      for (int k = 1 + random.nextInt(4); k > 0; k--) {
        int at = from + random.nextInt(to - from);
        int x = 1 + random.nextInt(255);
        b[at] ^= (byte) x;
        what.append(" [").append(at).append("]^").append(x);
      }
      run(recrc ? LmFileBytes.recrc(b) : b, what.toString());
    }
    List<String> keys = new ArrayList<>(LmFileBytes.header(good).keySet());
    for (int i = 0; i < 2_000 * SCALE; i++) {
      String key = keys.get(random.nextInt(keys.size()));
      LinkedHashMap<String, String> h = LmFileBytes.header(good);
      String v;
      switch (random.nextInt(4)) {
        case 0 -> v = null;
        case 1 -> v = h.get(key) + " " + HOSTILE[random.nextInt(HOSTILE.length)];
        default -> v = HOSTILE[random.nextInt(HOSTILE.length)];
      }
      run(LmFileBytes.withEntry(good, key, v), key + "=" + (v == null ? "(removed)" : v.length() > 50 ? v.substring(0, 50) : v));
    }
    assertTrue(refusedByParser > 1_000 * SCALE, "the parser itself met the damage: " + refusedByParser);
    assertTrue(loaded > 1, "some damage leaves a loadable model: " + loaded);
  }
}
