package dev.aiaas.nlp.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Model;
import dev.aiaas.nlp.text.Vocabulary;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The committed LSTM language model {@code lstm-lm-format-1.aiaas} (see the README beside it) must
 * keep loading to the same model: its options and vocabulary, and its scores, which must be what
 * its network computes and what the version that wrote it computed. If this test fails, the file
 * format or the scoring changed, and saved models would no longer load or score as before.
 */
class LstmFormatFixtureTest {

  private static Path fixture() throws URISyntaxException {
    return Path.of(LstmFormatFixtureTest.class.getResource("lstm-lm-format-1.aiaas").toURI());
  }

  /** log10 p of "the cat sat </s>" and "a dog zebra </s>", as the writing version (34c5b22) scored them. */
  private static final double[][] RECORDED = {
    {-0.1862637296523578, -0.006262546825150702, -0.3184484142316134, -2.902881573514382},
    {-0.5177652384376645, -0.014603973713906647, -2.2909056228910964, -2.5471453481160102}};

  private static final List<List<String>> SENTENCES = List.of(List.of("the", "cat", "sat"), List.of("a", "dog", "zebra"));

  @Test
  void loadsToTheOptionsAndVocabularyItWasWrittenWith() throws Exception {
    LstmLanguageModel lm = LstmLanguageModel.load(fixture());
    assertEquals(new LstmLmOptions(4, 6, 2, 6, 2, 30, 8, 0.03, 5.0, 7).withDropout(0.1), lm.options());
    Vocabulary v = lm.vocabulary();
    assertEquals(14, v.size(), "11 words seen at least twice and the 3 reserved ids");
    assertEquals(List.of("the", "a", "cat", "ran", ".", "dog", "in", "mat", "on", "park", "sat"),
        List.of(v.token(3), v.token(4), v.token(5), v.token(6), v.token(7), v.token(8), v.token(9),
            v.token(10), v.token(11), v.token(12), v.token(13)));
    assertEquals(Vocabulary.UNK, v.id("rare"), "seen once, below minCount 2");
  }

  @Test
  void scoresAsItsNetworkAndAsTheWritingVersionDid() throws Exception {
    LstmLanguageModel lm = LstmLanguageModel.load(fixture());
    try (Model network = ModelIO.load(fixture())) {
      for (int s = 0; s < SENTENCES.size(); s++) {
        List<String> sentence = SENTENCES.get(s);
        List<TokenScore> scores = lm.scoreTokens(sentence);
        int[] ids = lm.vocabulary().ids(sentence);
        float[] row = new float[6];
        row[0] = Vocabulary.BOS;
        for (int i = 0; i < ids.length; i++) {
          row[i + 1] = ids[i];
        }
        INDArray logits = network.predict(Nd4j.create(row, new long[] {1, 6}, 'c')); // [1, T, V], dropout off
        for (int p = 0; p <= ids.length; p++) {
          int target = p < ids.length ? ids[p] : Vocabulary.EOS;
          double max = Double.NEGATIVE_INFINITY;
          for (int c = 0; c < 14; c++) {
            max = c == Vocabulary.BOS ? max : Math.max(max, logits.getDouble(0, p, c));
          }
          double sum = 0;
          for (int c = 0; c < 14; c++) {
            sum += c == Vocabulary.BOS ? 0 : Math.exp(logits.getDouble(0, p, c) - max);
          }
          double network10 = (logits.getDouble(0, p, target) - max - Math.log(sum)) / LanguageModel.LN_10;
          double got = scores.get(p).log10Prob();
          assertEquals(network10, got, 1e-5, "sentence " + s + " position " + p + ": the network's inference");
          assertEquals(RECORDED[s][p], got, 1e-12 * Math.abs(RECORDED[s][p]), "sentence " + s + " position " + p
              + ": the writing version's score");
        }
      }
    }
  }

  @Test
  void savesBackToTheSameEntriesAndScores(@TempDir Path dir) throws Exception {
    LstmLanguageModel lm = LstmLanguageModel.load(fixture());
    Path again = dir.resolve("again.aiaas");
    lm.save(again);
    Map<String, String> before = ModelIO.provenance(fixture());
    Map<String, String> after = ModelIO.provenance(again);
    for (String key : before.keySet()) {
      if (key.startsWith("lm.")) {
        assertEquals(before.get(key), after.get(key), key);
      }
    }
    assertEquals(before.keySet().stream().filter(k -> k.startsWith("lm.")).count(),
        after.keySet().stream().filter(k -> k.startsWith("lm.")).count(), "no entry added or lost");
    LstmLanguageModel back = LstmLanguageModel.load(again);
    for (List<String> s : SENTENCES) {
      assertEquals(lm.sentenceLog10(s), back.sentenceLog10(s), 0.0);
    }
  }
}
