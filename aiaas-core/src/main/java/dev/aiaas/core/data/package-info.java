/**
 * Data for training and evaluation: reading files, holding examples in memory, batching.
 *
 * <ul>
 *   <li>{@link dev.aiaas.core.data.Idx} reads and writes IDX files (the MNIST family format),
 *       plain or gzipped; {@link dev.aiaas.core.data.Mnist} loads the four-file MNIST layout and
 *       {@link dev.aiaas.core.data.FashionMnist#embedded()} a small subset from the class path (the
 *       artifact {@code dev.aiaas:aiaas-datasets} carries it; without it,
 *       {@link dev.aiaas.core.data.MissingDataException} names the dependency to add).</li>
 *   <li>{@link dev.aiaas.core.data.Csv} reads CSV files (RFC 4180: header, quoted fields):
 *       a {@link dev.aiaas.core.data.Table} of text cells, or a numeric file straight into a
 *       dataset.</li>
 *   <li>{@link dev.aiaas.core.data.Preprocessor}, fitted on training rows only, turns a table into
 *       model inputs (numeric columns scaled as {@link dev.aiaas.core.data.Scaling} says, text
 *       columns one-hot, each a {@link dev.aiaas.core.data.Feature}) and class indices (a
 *       {@link dev.aiaas.core.data.LabelEncoder}); it is saved with the model by
 *       {@code tabular.TabularModel}.</li>
 *   <li>{@link dev.aiaas.core.data.Dataset} holds features {@code [n, d]} and either integer class
 *       labels or float targets {@code [n, k]} (from ND4J arrays, or plain Java arrays with
 *       {@code Dataset.of(float[][], int[])}); it splits and shuffles from an explicit seed.</li>
 *   <li>{@link dev.aiaas.core.data.Batcher} copies mini-batches into buffers it allocates once
 *       (optionally column-major, which ND4J's GEMM takes twice as fast).</li>
 * </ul>
 *
 * <p>A malformed file is a checked {@link dev.aiaas.core.data.DataFormatException} naming the
 * file, the place in it, what was found and what was expected. Caller mistakes are
 * {@link java.lang.IllegalArgumentException}s naming the bad value and the fix.
 *
 * <p>Types that hold ND4J arrays ({@code Dataset}, {@code Batcher}, {@code TrainTest}) own them
 * and free them in {@code close()}; call {@link dev.aiaas.core.backend.Backends#current()} (the
 * loaders here do) before the first array is made.
 */
package dev.aiaas.core.data;
