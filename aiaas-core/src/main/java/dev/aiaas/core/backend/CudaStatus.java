package dev.aiaas.core.backend;

import java.util.Objects;

/**
 * Whether the CUDA backend can be used here and, when not, why and how to fix it.
 *
 * @param onClassPath whether ND4J's CUDA backend ({@code nd4j-cuda-11.6}) is on the class path
 * @param usable      whether it can be initialised on this machine
 * @param reason      why it cannot be used (empty when usable)
 * @param fix         what to do about it (empty when usable)
 */
public record CudaStatus(boolean onClassPath, boolean usable, String reason, String fix) {

    /**
     * Validates the status.
     *
     * @param onClassPath whether ND4J's CUDA backend ({@code nd4j-cuda-11.6}) is on the class path
     * @param usable      whether it can be initialised on this machine
     * @param reason      why it cannot be used (empty when usable)
     * @param fix         what to do about it (empty when usable)
     */
    public CudaStatus {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(fix, "fix");
        if (usable && !onClassPath) {
            throw new IllegalArgumentException("CUDA cannot be usable when its backend is not on the class path");
        }
        if (!usable && reason.isBlank()) {
            throw new IllegalArgumentException("an unusable CUDA status needs a reason");
        }
    }

    /** {@return the status of a machine where CUDA can be used} */
    public static CudaStatus available() {
        return new CudaStatus(true, true, "", "");
    }

    /**
     * CUDA cannot be used, for the given reason.
     *
     * @param onClassPath whether ND4J's CUDA backend is on the class path
     * @param reason      why CUDA cannot be used
     * @param fix         what to do about it
     * @return the status
     */
    public static CudaStatus unavailable(boolean onClassPath, String reason, String fix) {
        return new CudaStatus(onClassPath, false, reason, fix);
    }
}
