/**
 * Losses L(ŷ, y), averaged over a batch, each computing its value and its gradient ∂L/∂ŷ in one
 * pass: {@link dev.aiaas.core.loss.Losses} is the catalogue.
 */
package dev.aiaas.core.loss;
