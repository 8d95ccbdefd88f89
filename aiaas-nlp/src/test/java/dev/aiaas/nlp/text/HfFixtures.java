package dev.aiaas.nlp.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aiaas.nlp.corpus.Corpora;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The tokenizer fixtures under {@code src/test/resources/dev/aiaas/nlp/text/hf} (see the README
 * there) and the test corpus: sentences of the Moby-Dick test chapters and hand-written edge
 * cases.
 */
final class HfFixtures {

  static final String MINILM = "hf/all-minilm-l6-v2-tokenizer.json.gz";
  static final String GPT2_ENCODER = "hf/gpt2-encoder.json.gz";
  static final String GPT2_VOCAB = "hf/gpt2-vocab.bpe.gz";

  private HfFixtures() {}

  static InputStream resource(String name) {
    InputStream in = HfFixtures.class.getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("test resource " + name + " is missing");
    }
    return in;
  }

  /** The bytes of a gzipped resource, decompressed. */
  static byte[] gunzip(String name) throws IOException {
    try (InputStream in = new GZIPInputStream(resource(name))) {
      return in.readAllBytes();
    }
  }

  /** all-MiniLM-L6-v2's tokenizer.json, as the file says (truncation 128, padding to 128). */
  static HfTokenizer minilm() throws IOException {
    return HfTokenizers.read(resource(MINILM), MINILM, HfTokenizers.DEFAULT_MAX_BYTES);
  }

  /** GPT-2's tokenizer from encoder.json and vocab.bpe. */
  static HfTokenizer gpt2() throws IOException {
    return HfTokenizers.gpt2(resource(GPT2_ENCODER), GPT2_ENCODER, resource(GPT2_VOCAB), GPT2_VOCAB,
        HfTokenizers.DEFAULT_MAX_BYTES);
  }

  /**
   * Writes a tokenizer.json for GPT-2 as Hugging Face's {@code gpt2} repository has it (built from
   * encoder.json and vocab.bpe), with the given {@code add_prefix_space}.
   */
  static Path writeGpt2Json(Path dir, boolean addPrefixSpace) throws IOException {
    ObjectMapper m = new ObjectMapper();
    ObjectNode vocab = (ObjectNode) m.readTree(gunzip(GPT2_ENCODER));
    ArrayNode merges = m.createArrayNode();
    String[] lines = new String(gunzip(GPT2_VOCAB), StandardCharsets.UTF_8).split("\n");
    for (int i = 1; i < lines.length; i++) {
      if (!lines[i].isEmpty()) {
        merges.add(lines[i]);
      }
    }
    ObjectNode root = m.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    ObjectNode eot = added.addObject();
    eot.put("id", 50256).put("content", "<|endoftext|>").put("single_word", false)
        .put("lstrip", false).put("rstrip", false).put("normalized", true).put("special", true);
    root.putNull("normalizer");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "ByteLevel").put("add_prefix_space", addPrefixSpace).put("trim_offsets", true)
        .put("use_regex", true);
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", false)
        .put("use_regex", true);
    ObjectNode dec = root.putObject("decoder");
    dec.put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
        .put("use_regex", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE").putNull("dropout").putNull("unk_token")
        .put("continuing_subword_prefix", "").put("end_of_word_suffix", "").put("fuse_unk", false)
        .put("byte_fallback", false);
    model.set("vocab", vocab);
    model.set("merges", merges);
    Path file = dir.resolve("gpt2-" + (addPrefixSpace ? "prefix" : "plain") + "-tokenizer.json");
    m.writeValue(file.toFile(), root);
    return file;
  }

  /** all-MiniLM-L6-v2's tokenizer.json decompressed into {@code dir}. */
  static Path writeMinilmJson(Path dir) throws IOException {
    Path file = dir.resolve("all-minilm-l6-v2-tokenizer.json");
    Files.write(file, gunzip(MINILM));
    return file;
  }

  /** Hand-written edge cases: accents, CJK, emoji, punctuation runs, long words, white space. */
  static final List<String> EDGE_CASES = List.of(
      "",
      " ",
      "   ",
      "\t\n",
      "Hello, world!",
      "Hello world",
      " leading space",
      "trailing space ",
      "double  space",
      "Naïve café owners said: “the whale, the whale!”",
      "Crème brûlée à la française, s'il vous plaît.",
      "Ångström Øresund Ærø straße ÉCOLE İstanbul ΣΊΣΥΦΟΣ",
      "Ünïcödé àccénts: ñ, ç, ø, å, ő, ű, ş, ğ",
      "你好，世界！这是一个测试。",
      "日本語のテキストとカタカナ、ひらがな。",
      "한국어 텍스트도 있습니다.",
      "mixed 中文 and English 混合 text",
      "emoji 🐳🐋 whales 😀👍🏽 and flags 🇫🇷🇯🇵",
      "family 👨‍👩‍👧‍👦 zwj",
      "punctuation!!! ??? ... --- ;;; ::: (((nested))) [[brackets]] {{braces}}",
      "\"quoted\" 'single' `back` «guillemets» „low“",
      "a-b_c/d\\e|f@g#h$i%j^k&l*m+n=o~p",
      "pneumonoultramicroscopicsilicovolcanoconiosis",
      "Supercalifragilisticexpialidocious antidisestablishmentarianism",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "x".repeat(99) + " " + "y".repeat(100) + " " + "z".repeat(101),
      "numbers 12345 3.14159 1,000,000 2nd 3rd 100% $9.99 €5 £3 ¥100",
      "dates 2026-12-07 14:30:00 UTC",
      "URLs https://example.com/path?q=1&r=2#frag and mail@example.org",
      "code: int main() { return 0; } // comment",
      "can't won't shouldn't I'm you're we've they'll he'd it's",
      "CAN'T WON'T I'M YOU'RE",
      "tabs\tbetween\twords",
      "new\nlines\r\nand\rreturns",
      "non\u00a0breaking\u00a0space and\u3000ideographic space",
      "zero\u200bwidth\u200cjoiners\u200d and soft\u00adhyphen",
      "control\u0001chars\u0007here\u001f and\u007f del",
      "replacement \ufffd char",
      "combining e\u0301 a\u0300 o\u0308 n\u0303",
      "math ∑ ∫ √ ∞ ≠ ≤ ≥ ± × ÷ → ← ↔",
      "Greek αβγ ΑΒΓ, Cyrillic Привет мир, Arabic مرحبا, Hebrew שלום",
      "Thai สวัสดี Hindi नमस्ते Tamil வணக்கம்",
      "[CLS] and [SEP] written in the text [MASK] [UNK] [PAD]",
      "<|endoftext|> after the end <|endoftext|>",
      "text<|endoftext|>joined",
      "   spaces   everywhere   ",
      "ALL CAPS SENTENCE WITH SHOUTING",
      "MiXeD CaSe WoRdS",
      "The quick brown fox jumps over the lazy dog.",
      "Call me Ishmael. Some years ago—never mind how long precisely—having little money.",
      "...",
      "!",
      "'",
      "'s 're 've 'm 'll 'd 't",
      "a",
      "A",
      "\u2028line separator\u2029paragraph",
      "ﬁ ﬂ ligatures and ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ",
      "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕞𝕒𝕥𝕙 letters 𝟙𝟚𝟛",
      "CJK extension 𠀀𠀁 and compatibility 豈",
      " ".repeat(300) + "after many spaces",
      "!".repeat(500),
      "whale".repeat(200),
      "é".repeat(150) + " " + "🐳".repeat(60));

  /**
   * The corpus: every 4th line of the Moby-Dick test chapters (lower-cased, tokens separated by
   * spaces, as stored), the same lines with the spaces before punctuation removed and the first
   * letter capitalised, and {@link #EDGE_CASES}.
   */
  static List<String> corpus() {
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(Corpora.openMobyDickTest(), StandardCharsets.UTF_8))) {
      String line;
      int i = 0;
      while ((line = r.readLine()) != null) {
        if (i % 4 == 0) {
          out.add(line);
        }
        if (i % 8 == 2 && !line.isEmpty()) {
          String s = line.replace(" ,", ",").replace(" .", ".").replace(" ;", ";")
              .replace(" !", "!").replace(" ?", "?");
          out.add(Character.toUpperCase(s.charAt(0)) + s.substring(1));
        }
        i++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.addAll(EDGE_CASES);
    return out;
  }

  static <T> List<T> list(Iterator<T> it) {
    List<T> l = new ArrayList<>();
    it.forEachRemaining(l::add);
    return l;
  }

  static Map<String, String> djlOptions(boolean specialTokens) {
    return Map.of("addSpecialTokens", String.valueOf(specialTokens), "padding", "false",
        "truncation", "false");
  }
}
