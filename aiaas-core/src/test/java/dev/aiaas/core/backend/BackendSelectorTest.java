package dev.aiaas.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The selection rules, on a fake ND4J, for every requested value. */
class BackendSelectorTest {

    /** A fake ND4J: records what was asked; can pretend it was initialised earlier. */
    static final class FakeBoot implements Nd4jBoot {
        BackendKind alreadyInitialised;
        final List<BackendKind> initialised = new ArrayList<>();
        final List<int[]> threads = new ArrayList<>();

        @Override
        public BackendKind initialise(BackendKind wanted) {
            initialised.add(wanted);
            if (alreadyInitialised == null) {
                alreadyInitialised = wanted;
            }
            return alreadyInitialised;
        }

        @Override
        public void applyThreads(int t, int b) {
            threads.add(new int[] {t, b});
        }
    }

    private final FakeBoot boot = new FakeBoot();
    private final List<String> warnings = new ArrayList<>();

    private BackendSelector selector(CudaStatus cuda) {
        return new BackendSelector(boot, () -> cuda, warnings::add);
    }

    private static final CudaStatus NO_JAR = CudaStatus.unavailable(false, "jar missing", "add the jar");
    private static final CudaStatus NO_DRIVER = CudaStatus.unavailable(true, "no NVIDIA driver found", "install it");

    @Test
    void cpuInitialisesTheCpuBackendAndAppliesThreads() {
        Backend b = selector(CudaStatus.available()).select(new BackendOptions(BackendKind.CPU, 2, 1));
        assertEquals(BackendKind.CPU, b.kind());
        assertEquals(List.of(BackendKind.CPU), boot.initialised);
        assertEquals(2, boot.threads.get(0)[0]);
        assertEquals(1, boot.threads.get(0)[1]);
        assertTrue(warnings.isEmpty());
    }

    @Test
    void cudaWhenUsable() {
        Backend b = selector(CudaStatus.available()).select(BackendOptions.of(BackendKind.CUDA));
        assertEquals(BackendKind.CUDA, b.kind());
        assertEquals(List.of(BackendKind.CUDA), boot.initialised);
    }

    @Test
    void cudaUnavailableThrowsTypedExceptionWithReasonAndFixAndInitialisesNothing() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> selector(NO_DRIVER).select(BackendOptions.of(BackendKind.CUDA)));
        assertEquals(BackendKind.CUDA, e.requested());
        assertEquals("no NVIDIA driver found", e.reason());
        assertTrue(e.getMessage().contains("no NVIDIA driver found") && e.getMessage().contains("Fix: install it"), e.getMessage());
        assertTrue(boot.initialised.isEmpty());
    }

    @Test
    void autoTakesCudaWhenUsable() {
        assertEquals(BackendKind.CUDA, selector(CudaStatus.available()).select(BackendOptions.defaults()).kind());
        assertTrue(warnings.isEmpty());
    }

    @Test
    void autoFallsBackToCpuSilentlyWhenNoCudaJar() {
        Backend b = selector(NO_JAR).select(BackendOptions.defaults());
        assertEquals(BackendKind.CPU, b.kind());
        assertEquals(BackendKind.AUTO, b.requested());
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void autoWarnsOnceWithTheReasonWhenCudaJarPresentButUnusable() {
        BackendSelector s = selector(NO_DRIVER);
        Backend b = s.select(BackendOptions.defaults());
        s.select(BackendOptions.defaults());
        assertEquals(BackendKind.CPU, b.kind());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("no NVIDIA driver found"), warnings.get(0));
        assertTrue(b.note().contains("no NVIDIA driver found"), b.note());
    }

    @Test
    void selectingTheSameBackendAgainReturnsItAndReappliesThreads() {
        BackendSelector s = selector(NO_JAR);
        Backend first = s.select(BackendOptions.of(BackendKind.CPU));
        assertSame(first, s.select(BackendOptions.of(BackendKind.CPU).withThreads(1, 1)));
        assertSame(first, s.select(BackendOptions.defaults()));
        assertEquals(1, boot.initialised.size());
        assertEquals(1, boot.threads.get(1)[0]);
    }

    @Test
    void switchingBackendAfterSelectionFailsClearly() {
        BackendSelector s = selector(CudaStatus.available());
        s.select(BackendOptions.of(BackendKind.CPU));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.select(BackendOptions.of(BackendKind.CUDA)));
        assertTrue(e.getMessage().contains("Cannot switch to the cuda backend"), e.getMessage());
        assertTrue(e.getMessage().contains("already runs on cpu"), e.getMessage());
        assertTrue(e.getMessage().contains("AIAAS_BACKEND=cuda"), e.getMessage());
    }

    @Test
    void requestingABackendAfterNd4jInitialisedOnAnotherFailsClearly() {
        boot.alreadyInitialised = BackendKind.CPU; // a tensor was created before selection
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> selector(CudaStatus.available()).select(BackendOptions.of(BackendKind.CUDA)));
        assertTrue(e.getMessage().contains("a tensor was created first"), e.getMessage());
    }

    @Test
    void autoAdoptsWhateverNd4jWasInitialisedWith() {
        boot.alreadyInitialised = BackendKind.CPU;
        Backend b = selector(CudaStatus.available()).select(BackendOptions.defaults());
        assertEquals(BackendKind.CPU, b.kind());
        assertTrue(b.note().contains("already initialised"), b.note());
    }
}
