package dev.aiaas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The probe's heap figure is what the steps allocate: its own checkpoints are not counted. */
class SteadyStateProbeTest {

    /** A step that allocates {@code bytes} of heap (one array kept until the next step), or nothing. */
    private static final class Allocating implements Workload {
        private final int bytes;
        private byte[] kept;

        Allocating(int bytes) {
            this.bytes = bytes;
        }

        @Override
        public String benchmark() {
            return "alloc-" + bytes;
        }

        @Override
        public String engine() {
            return "test";
        }

        @Override
        public double flopsPerStep() {
            return 0;
        }

        @Override
        public void setup() {
        }

        @Override
        public void step() {
            if (bytes > 0) {
                kept = new byte[bytes];
            }
        }

        @Override
        public void close() {
            kept = null;
        }
    }

    @Test
    void aStepThatAllocatesNothingMeasuresZeroWithCheckpointsEveryStep() {
        SteadyStateProbe.Result r = SteadyStateProbe.run(new Allocating(0), 500, 1);
        assertEquals(501, r.samples().size());
        assertEquals(0.0, r.heapBytesPerStep(), 0.5, "the checkpoints' own allocations must not count");
        assertEquals(0.0, r.nativeAllocsPerStep());
    }

    @Test
    void aStepThatAllocatesIsMeasured() {
        SteadyStateProbe.Result r = SteadyStateProbe.run(new Allocating(4000), 500, 50);
        // a 4,000-byte array is 4,000 bytes plus a 16-byte header, rounded to 8
        assertEquals(4016.0, r.heapBytesPerStep(), 40.0);
    }

    @Test
    void badStepCountsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SteadyStateProbe.run(new Allocating(0), 10, 20));
        assertTrue(e.getMessage().contains("every=20"), e.getMessage());
    }
}
