package dev.aiaas.core.backend;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which ND4J backend to run on. */
public enum BackendKind {
    /** ND4J's native CPU backend ({@code nd4j-native}, OpenBLAS and OpenMP). */
    CPU,
    /** ND4J's CUDA backend ({@code nd4j-cuda-11.6}); needs an NVIDIA driver and a CUDA 11.x runtime. */
    CUDA,
    /** CUDA when it is on the class path and usable, else the CPU (one warning says why). */
    AUTO;

    /** {@return the lower-case name used in {@code -Daiaas.backend} and {@code AIAAS_BACKEND}} */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a configuration value, case-insensitively, ignoring surrounding white space.
     *
     * @param value  the value, for example {@code "cpu"}
     * @param source where the value came from (for example {@code "system property aiaas.backend"}),
     *               named in the error message
     * @return the kind
     * @throws IllegalArgumentException naming the value, its source and the valid values
     */
    public static BackendKind parse(String value, String source) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (BackendKind kind : values()) {
            if (kind.configName().equals(v)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("Unknown backend '" + value + "' (from " + source
                + "); expected one of " + validNames() + ". Set it to one of those, or remove it to get 'auto'.");
    }

    /** {@return the valid configuration names, as a readable list: {@code cpu, cuda, auto}} */
    public static String validNames() {
        return Arrays.stream(values()).map(BackendKind::configName).collect(Collectors.joining(", "));
    }
}
