package dev.aiaas.core.backend;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {

    @Test
    void anAllocationBeyondTheLimitIsRefusedWithItsSizeAndTheLimit() {
        long limit = NativeMemory.limit();
        assertTrue(limit > 0, "some memory is available: " + limit);
        // The available physical memory moves with other processes, so the refused size is taken
        // above JavaCPP's fixed budget, which bounds the limit whatever else happens meanwhile.
        long tooMuch = Pointer.maxBytes() + 1;
        NativeMemoryException e = assertThrows(NativeMemoryException.class,
                () -> NativeMemory.require("the parameters of layer 0 (dense)", tooMuch));
        assertEquals(tooMuch, e.requestedBytes());
        assertTrue(e.getMessage().startsWith("the parameters of layer 0 (dense) needs "), e.getMessage());
        assertTrue(e.getMessage().contains("(" + tooMuch + " bytes)") && e.getMessage().contains("maxbytes"),
                e.getMessage());
        assertDoesNotThrow(() -> NativeMemory.require("a small buffer", 1024));
    }

    @Test
    void sizesThatOverflowALongAreRefused() {
        assertEquals(12, NativeMemory.bytes("x", 3, 4));
        assertThrows(NativeMemoryException.class, () -> NativeMemory.bytes("x", Long.MAX_VALUE / 2, 4));
        assertThrows(IllegalArgumentException.class, () -> NativeMemory.bytes("x", -1, 4));
    }
}
