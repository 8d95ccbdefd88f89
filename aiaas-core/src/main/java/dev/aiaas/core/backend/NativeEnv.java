package dev.aiaas.core.backend;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets native environment variables of this process (libc {@code setenv}) before ND4J's native
 * libraries read them. Java's own {@code System.getenv} map does not change.
 */
final class NativeEnv {
    private static final Logger LOG = LoggerFactory.getLogger(NativeEnv.class);

    private NativeEnv() {
    }

    /** libc's environment functions, through JNA (which ND4J already brings, via OSHI). */
    public interface LibC extends Library {
        /** {@code setenv(3)}. */
        int setenv(String name, String value, int overwrite);

        /** {@code getenv(3)}. */
        String getenv(String name);
    }

    /** The native environment's value of {@code name}, or null. */
    static String getenv(String name) {
        try {
            return Native.loadLibrary("c", LibC.class).getenv(name);
        } catch (LinkageError | RuntimeException e) {
            return System.getenv(name);
        }
    }

    /**
     * Sets {@code name} to {@code value} unless the process already has it; returns the value in
     * force afterwards, or null when the native environment cannot be reached (then nothing changed).
     */
    static String setDefault(String name, String value) {
        try {
            LibC c = Native.loadLibrary("c", LibC.class);
            c.setenv(name, value, 0);
            return c.getenv(name);
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("cannot set {} in the native environment: {}", name, e.toString());
            return null;
        }
    }
}
