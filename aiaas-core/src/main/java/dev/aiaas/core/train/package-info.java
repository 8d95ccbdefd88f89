/**
 * Empirical-risk training θ = argmin Σᵢ L(yᵢ, f(xᵢ; θ)) over mini-batches:
 * {@link dev.aiaas.core.train.Trainer}, its {@link dev.aiaas.core.train.Callback}s, the
 * {@link dev.aiaas.core.train.GradientTransform}s between the backward pass and the optimiser
 * step, and the {@link dev.aiaas.core.train.History} it returns.
 *
 * <p>One training step, for a batch (X, Y) of B examples:
 * <ol>
 *   <li>a {@link dev.aiaas.core.data.Batcher} copies the batch's rows, in the epoch's shuffled
 *       order, into buffers made once per batch size (x {@code [B, d]} row-major, y laid out
 *       as {@link dev.aiaas.core.loss.Loss#targetKind()} says, column-major);</li>
 *   <li>forward: each layer writes its output into its own buffer; the last gives ŷ;</li>
 *   <li>the loss computes L and ∂L/∂ŷ in one pass; the metrics add the batch to their epoch
 *       counts;</li>
 *   <li>backward: each layer, last to first, writes its slice of ∇θ and passes ∂L/∂x on;</li>
 *   <li>the gradient transforms run (a weight penalty, clipping, the frozen batch-norm state);
 *       the optimiser updates θ in one pass; the transforms' after-step hooks run.</li>
 * </ol>
 * After the first step nothing is allocated.
 */
package dev.aiaas.core.train;
