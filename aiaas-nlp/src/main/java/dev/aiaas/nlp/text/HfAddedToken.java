package dev.aiaas.nlp.text;

/**
 * An entry of a {@code tokenizer.json}'s {@code added_tokens}: a string that is matched in the raw
 * text before normalisation and becomes one token of its own ({@code [CLS]}, {@code <|endoftext|>}).
 *
 * @param id its id
 * @param content the string matched
 * @param singleWord match only where neither neighbour is a letter, digit or {@code _}
 * @param lstrip the match takes the white space before it
 * @param rstrip the match takes the white space after it
 * @param special whether decoding with special tokens skipped leaves it out
 */
record HfAddedToken(int id, String content, boolean singleWord, boolean lstrip, boolean rstrip,
    boolean special) {}
