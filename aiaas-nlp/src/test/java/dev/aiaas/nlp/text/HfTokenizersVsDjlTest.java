package dev.aiaas.nlp.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HfTokenizers} against Hugging Face's {@code tokenizers} (Rust) through DJL's {@code
 * ai.djl.huggingface:tokenizers} 0.36.0, which bundles its native library and reads the same local
 * {@code tokenizer.json} (no download): ids, token strings, type ids, attention masks, decoded
 * text, pairs, truncation and batch padding must be identical on every sentence of {@link
 * HfFixtures#corpus()} (Moby-Dick test lines and hand-written edge cases), for all-MiniLM-L6-v2's
 * WordPiece tokenizer and for GPT-2's byte-level BPE (with and without a prefix space).
 */
class HfTokenizersVsDjlTest {

  @TempDir static Path dir;
  static List<String> corpus;

  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
    corpus = HfFixtures.corpus();
  }

  @Test
  void theCorpusIsVaried() {
    assertTrue(corpus.size() >= 300, "corpus of " + corpus.size());
  }

  @Test
  void wordPieceMatchesHuggingFaceOnTheCorpus() throws Exception {
    Path json = HfFixtures.writeMinilmJson(dir);
    HfTokenizer ours = HfTokenizers.load(json).withTruncation(null).withPadding(null);
    try (HuggingFaceTokenizer ref = HuggingFaceTokenizer.newInstance(json, HfFixtures.djlOptions(true))) {
      int tokens = compare(ours, ref, true);
      assertTrue(tokens > 5000, tokens + " tokens compared");
    }
  }

  @Test
  void wordPieceWithoutSpecialTokensMatches() throws Exception {
    Path json = HfFixtures.writeMinilmJson(dir);
    HfTokenizer ours = HfTokenizers.load(json).withTruncation(null).withPadding(null);
    try (HuggingFaceTokenizer ref = HuggingFaceTokenizer.newInstance(json, HfFixtures.djlOptions(false))) {
      compare(ours, ref, false);
    }
  }

  @Test
  void gpt2MatchesHuggingFaceOnTheCorpus() throws Exception {
    Path json = HfFixtures.writeGpt2Json(dir, false);
    HfTokenizer fromPair = HfFixtures.gpt2();
    HfTokenizer fromJson = HfTokenizers.load(json);
    try (HuggingFaceTokenizer ref = HuggingFaceTokenizer.newInstance(json, HfFixtures.djlOptions(true))) {
      int a = compare(fromPair, ref, true);
      int b = compare(fromJson, ref, true);
      assertEquals(a, b);
      assertTrue(a > 5000, a + " tokens compared");
    }
  }

  @Test
  void byteLevelWithPrefixSpaceMatches() throws Exception {
    Path json = HfFixtures.writeGpt2Json(dir, true);
    HfTokenizer ours = HfTokenizers.load(json);
    try (HuggingFaceTokenizer ref = HuggingFaceTokenizer.newInstance(json, HfFixtures.djlOptions(true))) {
      compare(ours, ref, true);
    }
  }

  @Test
  void truncationPairsAndBatchPaddingMatch() throws Exception {
    Path json = HfFixtures.writeMinilmJson(dir);
    for (int max : new int[] {8, 13, 128}) {
      HfTokenizer ours = HfTokenizers.load(json).withTruncation(Truncation.of(max)).withPadding(null);
      Map<String, String> opts = Map.of("addSpecialTokens", "true", "padding", "false",
          "truncation", "true", "maxLength", String.valueOf(max));
      try (HuggingFaceTokenizer ref = HuggingFaceTokenizer.newInstance(json, opts)) {
        for (int i = 0; i + 1 < corpus.size(); i += 7) {
          String a = corpus.get(i);
          String b = corpus.get(i + 1);
          var r = ref.encode(a);
          Encoding e = ours.encode(a);
          assertArrayEquals(r.getIds(), e.idsAsLongs(), "max " + max + ": " + a);
          var rp = ref.encode(a, b);
          Encoding ep = ours.encode(a, b);
          assertArrayEquals(rp.getIds(), ep.idsAsLongs(), "pair, max " + max + ": " + a + " | " + b);
          assertArrayEquals(rp.getTypeIds(), longs(ep.typeIds()), "pair types: " + a + " | " + b);
        }
      }
    }
    // a batch padded to its longest
    Map<String, String> opts = Map.of("addSpecialTokens", "true", "padding", "true",
        "truncation", "false");
    HfTokenizer ours = HfTokenizers.load(json).withTruncation(null).withPadding(null);
    try (HuggingFaceTokenizer ref = HuggingFaceTokenizer.newInstance(json, opts)) {
      List<String> batch = corpus.subList(0, 17);
      var r = ref.batchEncode(batch);
      List<Encoding> e = ours.encodeBatch(batch);
      for (int i = 0; i < batch.size(); i++) {
        assertArrayEquals(r[i].getIds(), e.get(i).idsAsLongs(), batch.get(i));
        assertArrayEquals(r[i].getAttentionMask(), longs(e.get(i).attentionMask()), batch.get(i));
        assertArrayEquals(r[i].getTypeIds(), longs(e.get(i).typeIds()), batch.get(i));
      }
    }
  }

  @Test
  void wordPieceOffsetsMatchOnBmpText() throws Exception {
    Path json = HfFixtures.writeMinilmJson(dir);
    HfTokenizer ours = HfTokenizers.load(json).withTruncation(null).withPadding(null);
    List<String> failures = new ArrayList<>();
    int compared = 0;
    try (HuggingFaceTokenizer ref = HuggingFaceTokenizer.newInstance(json, HfFixtures.djlOptions(true))) {
      for (String s : corpus) {
        if (s.codePoints().anyMatch(c -> c > 0xFFFF)) {
          continue; // DJL's spans count code points, ours UTF-16 units
        }
        var r = ref.encode(s);
        Encoding e = ours.encode(s);
        var spans = r.getCharTokenSpans();
        for (int i = 0; i < spans.length; i++) {
          int rs = spans[i] == null ? 0 : spans[i].getStart();
          int re = spans[i] == null ? 0 : spans[i].getEnd();
          if (rs != e.starts()[i] || re != e.ends()[i]) {
            failures.add(s + " token " + i + " " + e.tokens().get(i) + ": ref [" + rs + ", " + re
                + "), ours [" + e.starts()[i] + ", " + e.ends()[i] + ")");
            break;
          }
          compared++;
        }
      }
    }
    assertEquals(List.of(), failures, failures.size() + " sentences differ");
    assertTrue(compared > 5000, compared + " offsets");
  }

  /**
   * The other components, by editing the real files: a {@code Sequence} of {@code Lowercase},
   * {@code WhitespaceSplit} and {@code BertProcessing} on MiniLM's vocabulary; {@code
   * RobertaProcessing} on GPT-2's with a prefix space (RoBERTa's layout); pairs included.
   */
  @Test
  void otherComponentsMatch() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
    var bert = (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(HfFixtures.gunzip(HfFixtures.MINILM));
    bert.set("normalizer", m.readTree("{\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"Lowercase\"}]}"));
    bert.set("pre_tokenizer", m.readTree("{\"type\": \"WhitespaceSplit\"}"));
    bert.set("post_processor", m.readTree(
        "{\"type\": \"BertProcessing\", \"sep\": [\"[SEP]\", 102], \"cls\": [\"[CLS]\", 101]}"));
    bert.putNull("truncation");
    bert.putNull("padding");
    Path bertJson = dir.resolve("bert-variant.json");
    m.writeValue(bertJson.toFile(), bert);
    var roberta = (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(
        HfFixtures.writeGpt2Json(dir, true).toFile());
    roberta.set("post_processor", m.readTree("{\"type\": \"RobertaProcessing\", \"sep\": [\"<|endoftext|>\", 50256],"
        + " \"cls\": [\"<|endoftext|>\", 50256], \"trim_offsets\": true, \"add_prefix_space\": true}"));
    Path robertaJson = dir.resolve("roberta-variant.json");
    m.writeValue(robertaJson.toFile(), roberta);
    // sequences of pre-tokenizers
    bert.set("pre_tokenizer", m.readTree("{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Whitespace\"},"
        + " {\"type\": \"Digits\", \"individual_digits\": true}]}"));
    Path seq1 = dir.resolve("sequence-1.json");
    m.writeValue(seq1.toFile(), bert);
    bert.set("pre_tokenizer", m.readTree("{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"WhitespaceSplit\"},"
        + " {\"type\": \"Punctuation\", \"behavior\": \"Isolated\"}, {\"type\": \"Digits\", \"individual_digits\": false}]}"));
    Path seq2 = dir.resolve("sequence-2.json");
    m.writeValue(seq2.toFile(), bert);
    roberta.set("pre_tokenizer", m.readTree("{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Digits\","
        + " \"individual_digits\": true}, {\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": true, \"use_regex\": true}]}"));
    Path seq3 = dir.resolve("sequence-3.json");
    m.writeValue(seq3.toFile(), roberta);
    roberta.set("pre_tokenizer", m.readTree("{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true, \"use_regex\": false}"));
    Path noRegex = dir.resolve("no-regex.json");
    m.writeValue(noRegex.toFile(), roberta);
    for (Path json : List.of(bertJson, robertaJson, seq1, seq2, seq3, noRegex)) {
      HfTokenizer ours = HfTokenizers.load(json);
      try (HuggingFaceTokenizer ref = HuggingFaceTokenizer.newInstance(json, HfFixtures.djlOptions(true))) {
        assertTrue(compare(ours, ref, true) > 5000, json.toString());
        for (int i = 0; i + 1 < corpus.size(); i += 11) {
          var rp = ref.encode(corpus.get(i), corpus.get(i + 1));
          Encoding ep = ours.encode(corpus.get(i), corpus.get(i + 1));
          assertArrayEquals(rp.getIds(), ep.idsAsLongs(), json + ": " + corpus.get(i));
          assertArrayEquals(rp.getTypeIds(), longs(ep.typeIds()), json + ": " + corpus.get(i));
        }
      }
    }
  }

  /** Compares every sentence of the corpus; returns the number of tokens compared. */
  private static int compare(HfTokenizer ours, HuggingFaceTokenizer ref, boolean special) {
    int n = 0;
    List<String> failures = new ArrayList<>();
    for (String s : corpus) {
      var r = ref.encode(s);
      Encoding e = ours.encode(s, special);
      if (!Arrays.equals(r.getIds(), e.idsAsLongs())) {
        failures.add(Inputs(s) + "\n  ref  " + Arrays.toString(r.getTokens()) + "\n  ours "
            + e.tokens());
        continue;
      }
      assertEquals(Arrays.asList(r.getTokens()), e.tokens(), s);
      assertArrayEquals(r.getTypeIds(), longs(e.typeIds()), s);
      assertArrayEquals(r.getAttentionMask(), longs(e.attentionMask()), s);
      assertEquals(ref.decode(r.getIds(), true), ours.decode(e.ids()), "decode: " + s);
      assertEquals(ref.decode(r.getIds(), false), ours.decode(e.ids(), false), "decode: " + s);
      n += e.length();
    }
    assertEquals(List.of(), failures, failures.size() + " of " + corpus.size() + " differ");
    return n;
  }

  private static String Inputs(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  static long[] longs(int[] a) {
    return Arrays.stream(a).asLongStream().toArray();
  }
}
