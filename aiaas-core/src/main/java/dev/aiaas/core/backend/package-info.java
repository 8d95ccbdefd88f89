/**
 * Run-time backend selection: CPU or CUDA, chosen once per process before the first tensor,
 * and reported.
 *
 * <p>Call order: {@link dev.aiaas.core.backend.Backends#select(BackendOptions)} (or
 * {@link dev.aiaas.core.backend.Backends#select()}, which reads {@code -Daiaas.backend} /
 * {@code AIAAS_BACKEND}) once at start-up; then create tensors; then read
 * {@link dev.aiaas.core.backend.Backend#report()} whenever you want to know what runs.
 *
 * <p>Selection goes through ND4J's own discovery ({@code ServiceLoader<Nd4jBackend>}): the
 * backends that were not asked for are hidden from it, so ND4J's class initialisation loads
 * exactly the requested one.
 */
package dev.aiaas.core.backend;
