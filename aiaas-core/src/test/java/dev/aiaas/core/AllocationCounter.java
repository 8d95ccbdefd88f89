package dev.aiaas.core;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * Test helper: counts the native allocations JavaCPP makes on this thread while it is open. Each
 * pointer with a deallocator registers with the innermost {@link PointerScope}; this one only
 * counts (it takes no ownership, so nothing ND4J caches is freed early).
 */
public final class AllocationCounter extends PointerScope {
    /** How many pointers were attached so far. */
    public long allocations;

    @Override
    public PointerScope attach(Pointer p) {
        allocations++;
        return this;
    }
}
