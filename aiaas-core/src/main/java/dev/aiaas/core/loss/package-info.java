/**
 * Losses L(ŷ, y), averaged over a batch, each computing its value and its gradient ∂L/∂ŷ in one
 * pass: {@link dev.aiaas.core.loss.Losses} is the catalogue. A loss also states the layout of
 * its targets ({@link dev.aiaas.core.loss.Loss#targetKind()}) and how its outputs read as classes
 * ({@link dev.aiaas.core.loss.Loss#decision()}), which the trainer and the metrics go by.
 */
package dev.aiaas.core.loss;
