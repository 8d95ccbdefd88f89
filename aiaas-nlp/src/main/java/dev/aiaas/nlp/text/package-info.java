/**
 * Text to tokens and tokens to integer ids.
 *
 * <p>{@link dev.aiaas.nlp.text.Tokenizer} turns one line of text into tokens
 * ({@link dev.aiaas.nlp.text.WhitespaceTokenizer} for pre-tokenised text, the lmplz convention;
 * {@link dev.aiaas.nlp.text.WordTokenizer} for raw text; {@link dev.aiaas.nlp.text.CharacterTokenizer}
 * for code points; {@link dev.aiaas.nlp.text.BpeTokenizer} for GPT-2-style byte-level BPE with
 * {@code encode}/{@code decode} to ids and a versioned merges file). {@link dev.aiaas.nlp.text.Vocabulary}
 * maps tokens to dense ids with {@code <unk>}, {@code <s>} and {@code </s>} reserved as ids 0, 1
 * and 2 (KenLM's numbering), and persists to a versioned text file.
 * {@link dev.aiaas.nlp.text.TextFiles} reads corpora, one sentence per line, plain or gzipped.
 * {@link dev.aiaas.nlp.text.TokenizerFiles} saves and loads the tokenizer a model was built with.
 * {@link dev.aiaas.nlp.text.HfTokenizers} reads Hugging Face {@code tokenizer.json} files (BERT's
 * WordPiece, GPT-2's byte-level BPE) and GPT-2's {@code encoder.json} + {@code vocab.bpe} into an
 * {@link dev.aiaas.nlp.text.HfTokenizer}, whose {@code encode} gives an
 * {@link dev.aiaas.nlp.text.Encoding} (ids, attention mask, type ids) as Hugging Face's library does.
 */
package dev.aiaas.nlp.text;
