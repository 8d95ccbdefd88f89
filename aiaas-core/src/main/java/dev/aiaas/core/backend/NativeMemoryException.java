package dev.aiaas.core.backend;

/**
 * An off-heap (native) allocation was refused before it was attempted, because it is larger than
 * the memory that may still be allocated: the message names what was to be allocated, its size
 * and the limit, and how to raise the limit. Thrown instead of the native allocator's
 * {@code bad_alloc}, an {@link OutOfMemoryError} or the operating system's OOM killer.
 */
public final class NativeMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The size of the refused allocation, in bytes. */
    private final long requestedBytes;
    /** The bytes that could still be allocated. */
    private final long limitBytes;

    /**
     * @param what           what was to be allocated ({@code "the parameters of layer 0 (dense)"})
     * @param requestedBytes its size in bytes
     * @param limitBytes     the bytes that could still be allocated
     * @param limitSource    where the limit comes from (JavaCPP's {@code maxbytes}, the physical memory)
     */
    public NativeMemoryException(String what, long requestedBytes, long limitBytes, String limitSource) {
        super(what + " needs " + NativeMemory.describe(requestedBytes) + " of native memory, more than the "
                + NativeMemory.describe(limitBytes) + " that may still be allocated (" + limitSource + "). Fix: use a "
                + "smaller model or batch, or raise the limit with -Dorg.bytedeco.javacpp.maxbytes=... and "
                + "-Dorg.bytedeco.javacpp.maxphysicalbytes=... on a machine with the memory");
        this.requestedBytes = requestedBytes;
        this.limitBytes = limitBytes;
    }

    /** {@return the size of the refused allocation, in bytes} */
    public long requestedBytes() {
        return requestedBytes;
    }

    /** {@return the bytes that could still be allocated when it was refused} */
    public long limitBytes() {
        return limitBytes;
    }
}
