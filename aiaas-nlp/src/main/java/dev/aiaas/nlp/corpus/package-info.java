/**
 * Embedded corpora, so that examples, tests and {@code aiaas quickstart} run with nothing
 * downloaded: {@link dev.aiaas.nlp.corpus.Corpora#mobyDickTrain()} and
 * {@link dev.aiaas.nlp.corpus.Corpora#mobyDickTest()} (Moby-Dick, public domain, tokenized,
 * one sentence per line). The text ships in the artifact {@code dev.aiaas:aiaas-datasets}; without
 * it on the class path these methods throw an {@link java.io.UncheckedIOException} caused by a
 * {@link dev.aiaas.core.data.MissingDataException} that names the dependency to add.
 * Nothing here touches ND4J: the n-gram models run without it (see docs/platforms.md).
 */
package dev.aiaas.nlp.corpus;
