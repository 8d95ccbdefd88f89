package dev.aiaas.vision.nn;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies and zeroes blocks between native buffers ({@code memcpy}, {@code memset} through
 * JavaCPP), without a trip through the heap: a convolution's patch blocks are whole
 * {@code [B, C]} blocks of its input (kilobytes each), which a native copy moves at memory speed
 * where a copy to the heap and back would move them three times. Two pointers that own nothing
 * are re-aimed at each call's addresses, so a copy allocates nothing. One instance per layer
 * instance (a model is used by one thread at a time).
 */
final class NativeCopy {
    /** Whether the arrays live in host memory (ND4J's CPU backend), where their addresses can be copied between. */
    static final boolean HOST = Nd4j.getBackend().getClass().getSimpleName().equals("CpuBackend");

    private final At from = new At();
    private final At to = new At();

    /** The address of element {@code i} (memory order) of a contiguous array. */
    static long address(INDArray a, long i) {
        DataBuffer d = a.data();
        return d.address() + (d.offset() + i) * d.getElementSize();
    }

    /** Copies {@code bytes} bytes from {@code src} to {@code dst} (the blocks do not overlap). */
    void copy(long src, long dst, long bytes) {
        Pointer.memcpy(to.at(dst), from.at(src), bytes);
    }

    /** Sets {@code bytes} bytes at {@code dst} to 0 (0.0 in float32 and float64). */
    void zero(long dst, long bytes) {
        Pointer.memset(to.at(dst), 0, bytes);
    }

    /** A pointer that owns nothing and can be aimed at any address. */
    private static final class At extends Pointer {
        At() {
            super((Pointer) null);
        }

        Pointer at(long addr) {
            address = addr;
            return this;
        }
    }
}
