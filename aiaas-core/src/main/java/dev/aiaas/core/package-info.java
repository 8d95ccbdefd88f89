/**
 * aiaas core: backend selection ({@link dev.aiaas.core.backend}), dense networks, training,
 * model save/load and inference on ND4J tensors.
 *
 * <p>Start with {@link dev.aiaas.core.backend.Backends#select()}, which picks the CPU or CUDA
 * backend once, before the first tensor, and reports what was loaded.
 */
package dev.aiaas.core;
