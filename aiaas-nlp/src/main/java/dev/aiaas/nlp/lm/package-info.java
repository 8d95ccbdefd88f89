/**
 * Language models: the {@link dev.aiaas.nlp.lm.LanguageModel} query interface (KenLM style:
 * state + word → log10 probability + next state), n-gram models built with any
 * {@link dev.aiaas.nlp.lm.Smoothing} (modified Kneser-Ney identical to KenLM's {@code lmplz}:
 * Chen &amp; Goodman 1998; Heafield, Pouzyrevsky, Clark &amp; Koehn 2013, "Scalable Modified
 * Kneser-Ney Language Model Estimation") or loaded from ARPA files,
 * {@link dev.aiaas.nlp.lm.Perplexity} with KenLM {@code query}'s conventions,
 * {@link dev.aiaas.nlp.lm.QueryFormat} for query's per-word and per-sentence lines, and
 * {@link dev.aiaas.nlp.lm.Sampler}; and {@link dev.aiaas.nlp.lm.LstmLanguageModel}, a recurrent
 * neural language model trained with aiaas-core behind the same interface.
 *
 * <p>Typical use: {@code NgramModel.build(corpus, new WhitespaceTokenizer(),
 * NgramOptions.kenlm(3))}, then {@code Perplexity.evaluate(model, test, tokenizer)} and
 * {@code model.writeArpa(path)}.
 */
package dev.aiaas.nlp.lm;
