package dev.aiaas.nlp.text;

import dev.aiaas.nlp.text.HfDecoders.Decoder;
import dev.aiaas.nlp.text.HfModels.Model;
import dev.aiaas.nlp.text.HfModels.Tokens;
import dev.aiaas.nlp.text.HfNormalizers.TextNormalizer;
import dev.aiaas.nlp.text.HfPreTokenizers.PreTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A tokenizer read from a Hugging Face {@code tokenizer.json} (or GPT-2's {@code encoder.json} and
 * {@code vocab.bpe}) by {@link HfTokenizers}: WordPiece for BERT-family models, byte-level BPE for
 * GPT-2-family models. It encodes as Hugging Face's {@code tokenizers} library does (checked
 * token for token against it through DJL): the added tokens ({@code [CLS]}, {@code <|endoftext|>})
 * are found in the raw text first, the rest is normalised (BERT: cleaned, CJK spaced, accents
 * stripped, lower-cased), split into words by the pre-tokeniser (BERT: white space and
 * punctuation; GPT-2: its pattern, over UTF-8 bytes), each word split into tokens by the model,
 * then the post-processor adds the special tokens ({@code [CLS] A [SEP]}), and the encoding is
 * truncated and padded as configured.
 *
 * <p>For a model: {@code Encoding e = tokenizer.encode(text)} gives {@code e.ids()}, {@code
 * e.attentionMask()} and {@code e.typeIds()}; {@link #encodeBatch(List)} gives encodings of one
 * length (a rectangle). Truncation and padding come from the file and can be replaced ({@link
 * #withTruncation}, {@link #withPadding}); all-MiniLM-L6-v2's file, for example, truncates at 128
 * and pads every text to 128.
 *
 * <p>Offsets ({@link Encoding#starts()}, {@link Encoding#ends()}) are UTF-16 indices into the text
 * given. A lone UTF-16 surrogate (not valid Unicode; Rust strings cannot hold one) is dropped by
 * BERT's normaliser and becomes {@code ?} for byte-level BPE.
 *
 * <p>Immutable and thread-safe (the BPE cache is a concurrent map).
 */
public final class HfTokenizer implements Tokenizer {

  private final String kind;
  private final TextNormalizer normalizer;
  private final PreTokenizer preTokenizer;
  private final Model model;
  private final HfTemplate template;
  private final Decoder decoder;
  private final List<HfAddedToken> addedTokens;
  /** The first characters of the added tokens: other positions need no look-up. */
  private final java.util.BitSet addedFirstChars;
  private final String[] idToToken;
  private final boolean[] special;
  private final Map<String, Integer> tokenToId;
  private final Truncation truncation;
  private final Padding padding;

  HfTokenizer(String kind, TextNormalizer normalizer, PreTokenizer preTokenizer, Model model,
      HfTemplate template, Decoder decoder, List<HfAddedToken> addedTokens, Truncation truncation,
      Padding padding) {
    this.kind = kind;
    this.normalizer = normalizer;
    this.preTokenizer = preTokenizer;
    this.model = model;
    this.template = template;
    this.decoder = decoder;
    // longest first, so that the leftmost match is also the longest
    List<HfAddedToken> added = new ArrayList<>(addedTokens);
    added.sort((a, b) -> b.content().length() - a.content().length());
    this.addedTokens = List.copyOf(added);
    this.addedFirstChars = new java.util.BitSet(65536);
    for (HfAddedToken t : added) {
      if (!t.content().isEmpty()) {
        addedFirstChars.set(t.content().charAt(0));
      }
    }
    Map<String, Integer> all = new HashMap<>(model.vocab());
    int maxId = -1;
    for (int id : model.vocab().values()) {
      maxId = Math.max(maxId, id);
    }
    for (HfAddedToken t : addedTokens) {
      maxId = Math.max(maxId, t.id());
      all.put(t.content(), t.id());
    }
    idToToken = new String[maxId + 1];
    special = new boolean[maxId + 1];
    for (Map.Entry<String, Integer> e : model.vocab().entrySet()) {
      idToToken[e.getValue()] = e.getKey();
    }
    for (HfAddedToken t : addedTokens) {
      idToToken[t.id()] = t.content();
      special[t.id()] = t.special();
    }
    this.tokenToId = Collections.unmodifiableMap(all);
    this.truncation = truncation;
    this.padding = padding;
  }

  private HfTokenizer(HfTokenizer o, Truncation truncation, Padding padding) {
    this.kind = o.kind;
    this.normalizer = o.normalizer;
    this.preTokenizer = o.preTokenizer;
    this.model = o.model;
    this.template = o.template;
    this.decoder = o.decoder;
    this.addedTokens = o.addedTokens;
    this.addedFirstChars = o.addedFirstChars;
    this.idToToken = o.idToToken;
    this.special = o.special;
    this.tokenToId = o.tokenToId;
    this.truncation = truncation;
    this.padding = padding;
  }

  // ------------------------------------------------------------------ configuration

  /**
   * This tokenizer with other truncation settings.
   *
   * @param truncation the settings, or {@code null} for no truncation
   * @return a tokenizer sharing this one's vocabulary and cache
   */
  public HfTokenizer withTruncation(Truncation truncation) {
    return new HfTokenizer(this, truncation, padding);
  }

  /**
   * This tokenizer with other padding settings.
   *
   * @param padding the settings, or {@code null} for no padding of single encodings (a batch is
   *     still padded to its longest, see {@link #encodeBatch(List)})
   * @return a tokenizer sharing this one's vocabulary and cache
   */
  public HfTokenizer withPadding(Padding padding) {
    return new HfTokenizer(this, truncation, padding);
  }

  /** @return the truncation settings, empty for none */
  public Optional<Truncation> truncation() {
    return Optional.ofNullable(truncation);
  }

  /** @return the padding settings, empty for none */
  public Optional<Padding> padding() {
    return Optional.ofNullable(padding);
  }

  // ------------------------------------------------------------------ encoding

  /**
   * Encodes one text: added tokens, normalisation, pre-tokenisation, the model, the special tokens
   * of the post-processor, truncation and padding as configured.
   *
   * @param text any string (an empty one gives only the special tokens)
   * @return the encoding
   */
  public Encoding encode(String text) {
    return encode(text, null, true);
  }

  /**
   * Encodes one text, with or without the post-processor's special tokens.
   *
   * @param text any string
   * @param addSpecialTokens whether to add {@code [CLS]}, {@code [SEP]} and the like
   * @return the encoding, truncated and padded as configured
   */
  public Encoding encode(String text, boolean addSpecialTokens) {
    return encode(text, null, addSpecialTokens);
  }

  /**
   * Encodes a pair of texts (for a cross-encoder or next-sentence task): {@code [CLS] A [SEP] B
   * [SEP]} for BERT, B's positions of type 1.
   *
   * @param text the first text
   * @param pair the second text
   * @return the encoding, truncated and padded as configured
   */
  public Encoding encode(String text, String pair) {
    return encode(text, Objects.requireNonNull(pair, "pair"), true);
  }

  /**
   * Encodes texts into encodings of one length: padded as configured, or, without padding
   * settings, on the right to the longest of the batch with the id of the {@code [PAD]} (or
   * {@code <pad>}) token, id 0 when the vocabulary has neither.
   *
   * @param texts the texts
   * @return one encoding per text, in order, all of one length (unless a fixed padding length is
   *     shorter than an untruncated text)
   */
  public List<Encoding> encodeBatch(List<String> texts) {
    List<Built> built = new ArrayList<>(texts.size());
    int longest = 0;
    for (String t : texts) {
      Built b = build(Objects.requireNonNull(t, "a text of the batch is null"), null, true);
      built.add(b);
      longest = Math.max(longest, b.ids.length);
    }
    Padding p = padding != null ? padding : defaultPadding();
    int target = p.target(longest);
    List<Encoding> out = new ArrayList<>(built.size());
    for (Built b : built) {
      out.add(b.pad(p, target).toEncoding());
    }
    return out;
  }

  private Padding defaultPadding() {
    Integer id = tokenToId.get("[PAD]");
    String token = "[PAD]";
    if (id == null) {
      id = tokenToId.get("<pad>");
      token = "<pad>";
    }
    if (id == null) {
      return Padding.longest(0, idToToken.length > 0 && idToToken[0] != null ? idToToken[0] : "[PAD]");
    }
    return Padding.longest(id, token);
  }

  private Encoding encode(String text, String pair, boolean addSpecial) {
    Objects.requireNonNull(text, "text");
    Built b = build(text, pair, addSpecial);
    if (padding != null) {
      b = b.pad(padding, padding.target(b.ids.length));
    }
    return b.toEncoding();
  }

  /**
   * The tokens of a text without special tokens, truncation or padding ({@link Tokenizer}'s
   * contract): for BERT {@code [hello, ,, world]}, for GPT-2 {@code [Hello, ,, Ġworld]}.
   *
   * @param line the text
   * @return the token strings
   */
  @Override
  public List<String> tokenize(String line) {
    Tokens t = tokens(Objects.requireNonNull(line, "line"));
    List<String> out = new ArrayList<>(t.size());
    for (int i = 0; i < t.size(); i++) {
      out.add(idToToken[t.ids.get(i)]);
    }
    return out;
  }

  /** The tokens of one text: added tokens found in the raw text, the rest through the model. */
  private Tokens tokens(String text) {
    Tokens out = new Tokens();
    int n = text.length();
    int segment = 0;
    int i = 0;
    while (i < n && !addedTokens.isEmpty()) {
      int[] m = addedFirstChars.get(text.charAt(i)) ? matchAdded(text, i) : null;
      if (m == null) {
        i++;
        continue;
      }
      if (m[0] > segment) {
        segment(text, segment, m[0], out);
      }
      out.add(m[2], m[0], m[1]);
      segment = m[1];
      i = m[1];
    }
    if (segment < n) {
      segment(text, segment, n, out);
    }
    return out;
  }

  /** The added token matched at {@code i} as {@code [start, end, id]} (strips included), or null. */
  private int[] matchAdded(String text, int i) {
    for (HfAddedToken t : addedTokens) {
      String c = t.content();
      if (c.isEmpty() || !text.startsWith(c, i)) {
        continue;
      }
      int end = i + c.length();
      if (t.singleWord() && ((i > 0 && isWordChar(text.codePointBefore(i)))
          || (end < text.length() && isWordChar(text.codePointAt(end))))) {
        continue;
      }
      int start = i;
      if (t.lstrip()) {
        while (start > 0 && HfNormalizers.isWhitespace(text.charAt(start - 1))) {
          start--;
        }
      }
      if (t.rstrip()) {
        while (end < text.length() && HfNormalizers.isWhitespace(text.charAt(end))) {
          end++;
        }
      }
      return new int[] {start, end, t.id()};
    }
    return null;
  }

  private static boolean isWordChar(int cp) {
    return Character.isLetterOrDigit(cp) || cp == '_';
  }

  /** Normalises, pre-tokenises and tokenises the raw text {@code [from, to)}. */
  private void segment(String text, int from, int to, Tokens out) {
    // an lstrip match may have taken white space already consumed: nothing to do then
    if (from >= to) {
      return;
    }
    AlignedText a = AlignedText.of(text, from, to);
    if (normalizer != null) {
      a = normalizer.normalize(a);
    }
    if (a.length() == 0) {
      return;
    }
    IntList words = new IntList(16);
    AlignedText w;
    if (preTokenizer == null) {
      words.add(0);
      words.add(a.length());
      w = a;
    } else {
      w = preTokenizer.split(a, words);
    }
    for (int k = 0; k < words.size(); k += 2) {
      int s = words.get(k);
      int e = words.get(k + 1);
      if (e > s) {
        model.tokenize(w, s, e, out);
      }
    }
  }

  /** An encoding under construction. */
  private final class Built {
    int[] ids;
    int[] types;
    int[] mask;
    int[] specialMask;
    int[] starts;
    int[] ends;
    String[] tokens;

    Built(int n) {
      ids = new int[n];
      types = new int[n];
      mask = new int[n];
      specialMask = new int[n];
      starts = new int[n];
      ends = new int[n];
      tokens = new String[n];
    }

    Built pad(Padding p, int target) {
      int n = ids.length;
      if (n >= target) {
        return this;
      }
      Built r = new Built(target);
      int off = p.direction() == Padding.Direction.LEFT ? target - n : 0;
      for (int i = 0; i < target; i++) {
        r.ids[i] = p.padId();
        r.types[i] = p.padTypeId();
        r.specialMask[i] = 1;
        r.tokens[i] = p.padToken();
      }
      System.arraycopy(ids, 0, r.ids, off, n);
      System.arraycopy(types, 0, r.types, off, n);
      System.arraycopy(mask, 0, r.mask, off, n);
      System.arraycopy(specialMask, 0, r.specialMask, off, n);
      System.arraycopy(starts, 0, r.starts, off, n);
      System.arraycopy(ends, 0, r.ends, off, n);
      System.arraycopy(tokens, 0, r.tokens, off, n);
      return r;
    }

    Encoding toEncoding() {
      return new Encoding(ids, types, mask, specialMask, Arrays.asList(tokens), starts, ends);
    }
  }

  private Built build(String text, String pair, boolean addSpecial) {
    Tokens a = tokens(text);
    Tokens b = pair == null ? null : tokens(pair);
    boolean isPair = b != null;
    boolean withTemplate = addSpecial && template != null;
    int added = withTemplate ? template.added(isPair) : 0;
    int na = a.size();
    int nb = isPair ? b.size() : 0;
    int fromA = 0;
    int fromB = 0;
    if (truncation != null && na + nb + added > truncation.maxLength()) {
      int room = Math.max(0, truncation.maxLength() - added);
      int keepA = na;
      int keepB = nb;
      if (!isPair) {
        keepA = Math.min(na, room);
      } else {
        switch (truncation.strategy()) {
          case ONLY_FIRST -> keepA = Math.max(0, room - nb);
          case ONLY_SECOND -> keepB = Math.max(0, room - na);
          default -> {
            // Hugging Face's closed form: the shorter text keeps its length if the longer can
            // give way, otherwise both get half the room (the second text the odd one)
            int shorter = Math.min(na, nb);
            int longer = shorter > room ? shorter : Math.max(shorter, room - shorter);
            if (shorter + longer > room) {
              shorter = room / 2;
              longer = shorter + room % 2;
            }
            keepA = na > nb ? longer : shorter;
            keepB = na > nb ? shorter : longer;
            keepA = Math.min(keepA, na);
            keepB = Math.min(keepB, nb);
          }
        }
      }
      if (truncation.direction() == Truncation.Direction.LEFT) {
        fromA = na - keepA;
        fromB = nb - keepB;
      }
      na = keepA;
      nb = keepB;
    }
    List<HfTemplate.Piece> pieces = withTemplate
        ? (isPair ? template.pair() : template.single())
        : isPair ? List.of(HfTemplate.Piece.text(0, 0), HfTemplate.Piece.text(1, 1))
            : List.of(HfTemplate.Piece.text(0, 0));
    Built r = new Built(na + nb + added);
    int k = 0;
    for (HfTemplate.Piece p : pieces) {
      if (p.sequence() < 0) {
        for (int j = 0; j < p.ids().length; j++) {
          r.ids[k] = p.ids()[j];
          r.tokens[k] = p.tokens().get(j);
          r.types[k] = p.typeId();
          r.mask[k] = 1;
          r.specialMask[k] = 1;
          k++;
        }
      } else {
        Tokens t = p.sequence() == 0 ? a : b;
        int from = p.sequence() == 0 ? fromA : fromB;
        int count = p.sequence() == 0 ? na : nb;
        for (int i = from; i < from + count; i++) {
          r.ids[k] = t.ids.get(i);
          r.tokens[k] = idToToken[r.ids[k]];
          r.types[k] = p.typeId();
          r.mask[k] = 1;
          r.starts[k] = t.starts.get(i);
          r.ends[k] = t.ends.get(i);
          k++;
        }
      }
    }
    return r;
  }

  // ------------------------------------------------------------------ decoding

  /**
   * Decodes ids back to text, leaving out special tokens ({@code [CLS]}, {@code [PAD]}, {@code
   * <|endoftext|>}), as Hugging Face's {@code decode(ids, skip_special_tokens=True)}.
   *
   * @param ids token ids
   * @return the text (for BERT lower-cased and with accents stripped, as normalised)
   * @throws IllegalArgumentException for an id that is not in the vocabulary
   */
  public String decode(int[] ids) {
    return decode(ids, true);
  }

  /**
   * Decodes ids back to text.
   *
   * @param ids token ids
   * @param skipSpecialTokens whether to leave out the special added tokens
   * @return the text
   * @throws IllegalArgumentException for an id that is not in the vocabulary
   */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    List<String> tokens = new ArrayList<>(ids.length);
    for (int id : ids) {
      String t = token(id);
      if (!(skipSpecialTokens && special[id])) {
        tokens.add(t);
      }
    }
    return decoder.decode(tokens);
  }

  // ------------------------------------------------------------------ vocabulary

  /**
   * The token of an id.
   *
   * @param id a token id
   * @return its string
   * @throws IllegalArgumentException for an id that is not in the vocabulary
   */
  public String token(int id) {
    if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
      throw new IllegalArgumentException("token id " + id + " is not in the vocabulary of "
          + this + "; expected one of its ids, 0.." + (idToToken.length - 1));
    }
    return idToToken[id];
  }

  /**
   * The id of a token string (a vocabulary entry or an added token).
   *
   * @param token the token, e.g. {@code [CLS]} or {@code ##ing}
   * @return its id, empty if it is not in the vocabulary
   */
  public OptionalInt tokenId(String token) {
    Integer id = tokenToId.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /**
   * The number of ids: one more than the largest id of the vocabulary and the added tokens.
   *
   * @return the vocabulary size a model's embedding table has
   */
  public int vocabSize() {
    return idToToken.length;
  }

  /**
   * The kind of tokenizer, e.g. {@code WordPiece (BertNormalizer, BertPreTokenizer)}.
   *
   * @return a one-line description
   */
  public String kind() {
    return kind;
  }

  @Override
  public String toString() {
    return "HfTokenizer[" + kind + ", vocabSize=" + vocabSize() + ", truncation="
        + (truncation == null ? "none" : truncation.maxLength()) + ", padding="
        + (padding == null ? "none" : padding.fixedLength() == 0 ? "longest"
            : String.valueOf(padding.fixedLength())) + "]";
  }
}
