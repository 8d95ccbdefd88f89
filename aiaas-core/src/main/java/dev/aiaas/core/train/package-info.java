/**
 * Empirical-risk training θ = argmin Σᵢ L(yᵢ, f(xᵢ; θ)) over mini-batches:
 * {@link dev.aiaas.core.train.Trainer}, its {@link dev.aiaas.core.train.Callback}s and the
 * {@link dev.aiaas.core.train.History} it returns.
 *
 * <p>One training step, for a batch (X, Y) of B examples:
 * <ol>
 *   <li>the batch's rows are copied, in the epoch's shuffled order, into two buffers made once
 *       ({@code [B, d]} and {@code [B, k]}, column-major);</li>
 *   <li>forward: each layer writes its output into its own buffer; the last gives ŷ;</li>
 *   <li>the loss computes L and ∂L/∂ŷ in one pass;</li>
 *   <li>backward: each layer, last to first, writes its slice of ∇θ and passes ∂L/∂x on;</li>
 *   <li>gradients are clipped if asked; the optimiser updates θ in one pass.</li>
 * </ol>
 * After the first step nothing is allocated.
 */
package dev.aiaas.core.train;
