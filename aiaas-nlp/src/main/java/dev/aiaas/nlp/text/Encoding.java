package dev.aiaas.nlp.text;

import java.util.Arrays;
import java.util.List;

/**
 * One text (or pair of texts) encoded by an {@link HfTokenizer}: what a BERT- or GPT-style model
 * takes as input. All arrays have the same length {@code n}, the number of positions (tokens, the
 * special tokens and padding included). Immutable: the arrays are copied in and every accessor
 * returns a copy.
 *
 * @param ids the token ids, {@code n} of them (for an ONNX model: {@code input_ids})
 * @param typeIds the segment of each position: 0 for the first text, 1 for the second of a pair
 *     (as the post-processor's template says), the padding's type id for padding ({@code
 *     token_type_ids})
 * @param attentionMask 1 for a real token (special tokens included), 0 for padding ({@code
 *     attention_mask})
 * @param specialTokensMask 1 for a token added by the post-processor (such as {@code [CLS]}) or
 *     padding, 0 for a token of the text
 * @param tokens the token strings ({@code [CLS]}, {@code ##ing}, GPT-2's {@code Ġthe})
 * @param starts the start of each token in the text it came from, in UTF-16 characters of that
 *     text (of the second text for its tokens); 0 for special tokens and padding
 * @param ends the end (exclusive) of each token in its text; 0 for special tokens and padding
 */
public record Encoding(int[] ids, int[] typeIds, int[] attentionMask, int[] specialTokensMask,
    List<String> tokens, int[] starts, int[] ends) {

  /**
   * Validates and copies the arrays.
   *
   * @param ids the token ids
   * @param typeIds the type ids
   * @param attentionMask the attention mask
   * @param specialTokensMask the special-tokens mask
   * @param tokens the token strings
   * @param starts the starts in the text
   * @param ends the ends in the text
   * @throws IllegalArgumentException if the arrays and the token list differ in length
   */
  public Encoding {
    int n = ids.length;
    if (typeIds.length != n || attentionMask.length != n || specialTokensMask.length != n
        || tokens.size() != n || starts.length != n || ends.length != n) {
      throw new IllegalArgumentException("an Encoding's arrays must have one length, got ids "
          + n + ", typeIds " + typeIds.length + ", attentionMask " + attentionMask.length
          + ", specialTokensMask " + specialTokensMask.length + ", tokens " + tokens.size()
          + ", starts " + starts.length + ", ends " + ends.length);
    }
    ids = ids.clone();
    typeIds = typeIds.clone();
    attentionMask = attentionMask.clone();
    specialTokensMask = specialTokensMask.clone();
    tokens = List.copyOf(tokens);
    starts = starts.clone();
    ends = ends.clone();
  }

  /** @return a copy of the token ids */
  @Override
  public int[] ids() {
    return ids.clone();
  }

  /** @return a copy of the type ids */
  @Override
  public int[] typeIds() {
    return typeIds.clone();
  }

  /** @return a copy of the attention mask */
  @Override
  public int[] attentionMask() {
    return attentionMask.clone();
  }

  /** @return a copy of the special-tokens mask */
  @Override
  public int[] specialTokensMask() {
    return specialTokensMask.clone();
  }

  /** @return a copy of the starts */
  @Override
  public int[] starts() {
    return starts.clone();
  }

  /** @return a copy of the ends */
  @Override
  public int[] ends() {
    return ends.clone();
  }

  /**
   * The number of positions, padding included.
   *
   * @return the length of every array
   */
  public int length() {
    return ids.length;
  }

  /**
   * The ids widened to {@code long}, as ONNX models take them ({@code int64 input_ids}).
   *
   * @return a fresh array
   */
  public long[] idsAsLongs() {
    long[] r = new long[ids.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = ids[i];
    }
    return r;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(typeIds, e.typeIds)
        && Arrays.equals(attentionMask, e.attentionMask)
        && Arrays.equals(specialTokensMask, e.specialTokensMask) && tokens.equals(e.tokens)
        && Arrays.equals(starts, e.starts) && Arrays.equals(ends, e.ends);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(ids) + tokens.hashCode();
  }

  @Override
  public String toString() {
    return "Encoding[ids=" + Arrays.toString(ids) + ", tokens=" + tokens + ", typeIds="
        + Arrays.toString(typeIds) + ", attentionMask=" + Arrays.toString(attentionMask) + "]";
  }
}
