/**
 * Optimisers that update the flat parameter vector θ from its gradient ∇θ in one fused pass,
 * and learning-rate schedules. {@link dev.aiaas.core.optim.Optimizers} and
 * {@link dev.aiaas.core.optim.Schedules} are the catalogues.
 */
package dev.aiaas.core.optim;
