package dev.aiaas.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The real process-wide selection on this machine's CPU backend (every test JVM runs on the CPU). */
class BackendsTest {

    @Test
    void cpuIsSelectedReportedAndComputes() {
        Backend b = Backends.select(BackendOptions.of(BackendKind.CPU));
        assertEquals(BackendKind.CPU, b.kind());
        assertEquals("org.nd4j.linalg.cpu.nativecpu.CpuBackend", Nd4j.getBackend().getClass().getName());
        INDArray x = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});
        assertEquals(7f, x.mmul(x).getFloat(0, 0), 0f);

        BackendReport r = b.report();
        assertEquals("OPENBLAS", r.blasVendor());
        assertTrue(r.threads() > 0 && r.blasThreads() > 0);
        assertTrue(r.build().classifier().startsWith("linux-x86_64"), r.build().classifier());
        assertTrue(r.physicalBytes() > 0 && r.heapMaxBytes() > 0);
        String text = r.toText();
        assertTrue(text.contains("backend:") && text.contains("cpu (requested: "), text);
        assertTrue(text.contains("native build:") && text.contains("blas:") && text.contains("OPENBLAS"), text);
        assertTrue(text.contains("1.0.0-M2.1"), text);
    }

    @Test
    void autoAfterCpuReturnsTheSameBackendAndCudaIsRefused() {
        Backend cpu = Backends.select(BackendOptions.of(BackendKind.CPU));
        assertSame(cpu, Backends.select(BackendOptions.defaults()));
        assertSame(cpu, Backends.current());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Backends.select(BackendOptions.of(BackendKind.CUDA)));
        assertTrue(e.getMessage().contains("already runs on cpu"), e.getMessage());
    }

    @Test
    void threadCountsCanBeSetThroughTheOptions() {
        Backends.select(BackendOptions.of(BackendKind.CPU).withThreads(1, 1));
        try {
            BackendReport r = Backends.current().report();
            assertEquals(1, r.threads());
            assertEquals(1, r.blasThreads());
        } finally {
            int cores = Runtime.getRuntime().availableProcessors();
            Backends.select(BackendOptions.of(BackendKind.CPU).withThreads(cores, cores));
        }
    }

    @Test
    void cudaRequestedOnThisMachineFailsWithReasonAndFix() {
        // a fresh selector (ND4J itself untouched) with the real CUDA probe
        BackendSelector fresh = new BackendSelector(new BackendSelectorTest.FakeBoot(), () -> Backends.cudaStatus(), w -> { });
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> fresh.select(BackendOptions.of(BackendKind.CUDA)));
        assertTrue(e.getMessage().contains("not on the class path"), e.getMessage());
        assertTrue(e.getMessage().contains("AIAAS_BACKEND=cpu"), e.getMessage());
    }
}
