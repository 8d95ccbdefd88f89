package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.io.ModelIO;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LSTM language model's file with malformed {@code lm.*} entries or network (each crafted with
 * a valid CRC): every one ends in a {@link ModelFormatException} naming the file and the fault.
 */
class LstmLmFileTest {

  @TempDir Path dir;

  static byte[] fixture() throws Exception {
    try (InputStream in = LstmLmFileTest.class.getResourceAsStream("lstm-lm-format-1.aiaas")) {
      return in.readAllBytes();
    }
  }

  private ModelFormatException refused(byte[] bytes) throws Exception {
    return refused(bytes, ModelIO.LoadOptions.defaults());
  }

  private ModelFormatException refused(byte[] bytes, ModelIO.LoadOptions options) throws Exception {
    Path f = dir.resolve("lm.aiaas");
    Files.write(f, bytes);
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> LstmLanguageModel.load(f, options));
    assertEquals(f, e.file());
    return e;
  }

  private static void contains(ModelFormatException e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
    }
  }

  @Test
  void theFixtureLoadsWithTheDefaultLimitsAndWithTightOnes() throws Exception {
    Path f = dir.resolve("lm.aiaas");
    Files.write(f, fixture());
    assertEquals(14, LstmLanguageModel.load(f).vocabulary().size());
    assertEquals(
        14,
        LstmLanguageModel.load(f, ModelIO.LoadOptions.defaults().withMaxParameters(1000).withMaxHeaderBytes(4096))
            .vocabulary().size());
    contains(refused(fixture(), ModelIO.LoadOptions.defaults().withMaxParameters(100)), "more than the limit of 100");
  }

  @Test
  void malformedEntriesAreNamed() throws Exception {
    byte[] good = fixture();
    contains(refused(LmFileBytes.withEntry(good, "provenance.lm.kind", "ngram")),
        "not an LSTM language model (its provenance has lm.kind=ngram");
    contains(refused(LmFileBytes.withEntry(good, "provenance.lm.hidden_size", null)),
        "has no provenance entry 'lm.hidden_size'");
    contains(refused(LmFileBytes.withEntry(good, "provenance.lm.hidden_size", "six")),
        "has inconsistent language-model entries");
    contains(refused(LmFileBytes.withEntry(good, "provenance.lm.hidden_size", "-6")),
        "has inconsistent language-model entries");
    contains(refused(LmFileBytes.withEntry(good, "provenance.lm.learning_rate", "NaN")),
        "has inconsistent language-model entries");
    // sizes that disagree with the network, up to ones whose parameter count overflows
    for (String h : new String[] {"7", "2147483647"}) {
      contains(refused(LmFileBytes.withEntry(good, "provenance.lm.hidden_size", h)),
          "not the float32 embedding(14, 4), lstm(" + h + ")");
    }
    String vocabulary = LmFileBytes.header(good).get("provenance.lm.vocabulary");
    contains(refused(LmFileBytes.withEntry(good, "provenance.lm.vocabulary", vocabulary + " the")),
        "has inconsistent language-model entries");
    contains(refused(LmFileBytes.withEntry(good, "provenance.lm.vocabulary", vocabulary + " zebra")),
        "not the float32 embedding(15, 4)");
    ModelFormatException e =
        refused(LmFileBytes.withEntry(good, "provenance.lm.vocabulary", vocabulary + " the " + "x".repeat(100_000)));
    assertTrue(e.getMessage().length() < 1000, "a long token is not quoted whole: " + e.getMessage().length());
  }

  @Test
  void nonFiniteWeightsAreRefused() throws Exception {
    byte[] good = fixture();
    byte[] nan = good.clone();
    ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(LmFileBytes.thetaAt(nan) + 4 * 3, Float.NaN);
    contains(refused(LmFileBytes.recrc(nan)), "parameter 3 of θ, in layer 0 (embedding), is NaN");
  }
}
