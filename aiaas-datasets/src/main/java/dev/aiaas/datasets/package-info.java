/**
 * The demo data of aiaas as class-path files, in their own artifact so that the library jars
 * ({@code aiaas-core}, {@code aiaas-nlp}) carry none: {@link dev.aiaas.datasets.EmbeddedDatasets}
 * names them. Applications read them through {@code dev.aiaas.core.data.FashionMnist#embedded()}
 * and {@code dev.aiaas.nlp.corpus.Corpora}, which report the missing artifact by name when this
 * one is not on the class path; the Iris table is a plain CSV file, for {@code aiaas train --csv}
 * and {@code dev.aiaas.core.data.Csv}.
 */
package dev.aiaas.datasets;
