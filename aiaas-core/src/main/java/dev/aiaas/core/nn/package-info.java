/**
 * Neural networks y = f(x; θ): the {@link dev.aiaas.core.nn.Layer} interface, its catalogue
 * {@link dev.aiaas.core.nn.Layers}, activations, initialisers and the
 * {@link dev.aiaas.core.nn.Model} that chains layers over one flat parameter buffer.
 *
 * <p>Shapes: a batch of B examples with d features is a matrix {@code [B, d]} in column-major
 * ('f') order, the layout ND4J's BLAS multiplies fastest. All parameters of a model live in one
 * flat vector θ of length P; each layer reads and writes a contiguous slice of it (and of the
 * matching gradient vector ∇θ), so an optimiser updates every parameter in a few native calls.
 *
 * <p>The set of layers is open: {@link dev.aiaas.core.nn.Layer} tells the rest of the library
 * what it needs (parameter roles, settings and children for the model file, a summary name,
 * whether it reads row-major input), and {@link dev.aiaas.core.nn.PackedLayer} is the optional
 * hook onto the {@link dev.aiaas.core.nn.Predictor}'s packed path; no code asks which kind of
 * layer it holds.
 *
 * <p>Sequences ({@link dev.aiaas.core.nn.Embedding}, {@link dev.aiaas.core.nn.Lstm},
 * {@link dev.aiaas.core.nn.TimeDistributed}): an example is {@code [T, F]}, a batch
 * {@code [B, T, F]} in 'f' order, which is in memory the matrix {@code [B·T, F]} with row
 * b + B·t for example b at step t, so products over all steps are single GEMMs.
 */
package dev.aiaas.core.nn;
