/**
 * Corpora embedded in the jar, so that examples, tests and {@code aiaas quickstart} run with
 * nothing downloaded: {@link dev.aiaas.nlp.corpus.Corpora#mobyDickTrain()} and
 * {@link dev.aiaas.nlp.corpus.Corpora#mobyDickTest()} (Moby-Dick, public domain, tokenized,
 * one sentence per line).
 */
package dev.aiaas.nlp.corpus;
