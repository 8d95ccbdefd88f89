package dev.aiaas.core.backend;

import java.util.Locale;
import org.bytedeco.javacpp.Pointer;

/**
 * Checks an off-heap allocation against the memory that may still be allocated, before it is
 * made, so that a size that comes from outside (a model file, a batch) fails with a typed
 * {@link NativeMemoryException} instead of crashing or exhausting the host. The limit is the
 * smaller of JavaCPP's budget ({@code -Dorg.bytedeco.javacpp.maxbytes}, by default the JVM's
 * {@code -Xmx}, less what JavaCPP already tracks) and the physical memory the operating system
 * reports as available. Called once per allocation of parameters or working buffers, never per
 * training step.
 */
public final class NativeMemory {

    private NativeMemory() {
    }

    /**
     * The bytes of {@code elements} values of {@code bytesPerValue} bytes each.
     *
     * @param what          what the values are, for the message
     * @param elements      how many values, at least 0
     * @param bytesPerValue bytes per value (4 for float32, 8 for float64)
     * @return the size in bytes
     * @throws NativeMemoryException if the size does not fit in a {@code long}
     */
    public static long bytes(String what, long elements, int bytesPerValue) {
        if (elements < 0) {
            throw new IllegalArgumentException(what + ": elements=" + elements + ", expected a count >= 0");
        }
        try {
            return Math.multiplyExact(elements, (long) bytesPerValue);
        } catch (ArithmeticException e) {
            throw new NativeMemoryException(what + " (" + elements + " values)", Long.MAX_VALUE, limit(), limitSource());
        }
    }

    /**
     * Refuses an allocation of {@code bytes} that exceeds {@link #limit()}.
     *
     * @param what  what is to be allocated, for the message
     * @param bytes its size in bytes
     * @throws NativeMemoryException if it exceeds the limit
     */
    public static void require(String what, long bytes) {
        long limit = limit();
        if (bytes > limit) {
            throw new NativeMemoryException(what, bytes, limit, limitSource());
        }
    }

    /**
     * {@return the bytes that may still be allocated off-heap now: the smaller of JavaCPP's remaining
     * budget and the available physical memory (when the platform reports it)}
     */
    public static long limit() {
        long javacpp = Math.max(0, Pointer.maxBytes() - Pointer.totalBytes());
        long physical = Pointer.availablePhysicalBytes();
        return physical > 0 ? Math.min(javacpp, physical) : javacpp;
    }

    private static String limitSource() {
        return "JavaCPP's maxbytes " + describe(Pointer.maxBytes()) + " less " + describe(Pointer.totalBytes())
                + " in use, and " + describe(Pointer.availablePhysicalBytes()) + " of physical memory available";
    }

    /** {@return a size as {@code "16.7 GB (16700000000 bytes)"}} */
    static String describe(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "more than 9.2 EB";
        }
        double gb = bytes / 1e9;
        return gb >= 1 ? String.format(Locale.ROOT, "%.1f GB (%d bytes)", gb, bytes)
                : String.format(Locale.ROOT, "%.1f MB (%d bytes)", bytes / 1e6, bytes);
    }
}
