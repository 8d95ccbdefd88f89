package dev.aiaas.core.backend;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each reason CUDA can be unusable, on a fake machine; and the real one, which has no CUDA jar. */
class CudaProbeTest {

    private record Fake(Set<String> classes, boolean driver, List<String> runtimes, String backendCheck)
            implements CudaProbe.Machine {
        @Override
        public boolean classPresent(String className) {
            return classes.contains(className);
        }

        @Override
        public boolean driverPresent() {
            return driver;
        }

        @Override
        public List<String> cudaRuntimes() {
            return runtimes;
        }
    }

    private static CudaStatus probe(Fake m) {
        return new CudaProbe(m).probe();
    }

    private static final Set<String> JAR = Set.of(CudaProbe.CUDA_BACKEND_CLASS);

    @Test
    void noJarOnClassPath() {
        CudaStatus s = probe(new Fake(Set.of(), true, List.of("libcudart.so.11.0"), null));
        assertFalse(s.usable());
        assertFalse(s.onClassPath());
        assertTrue(s.reason().contains("nd4j-cuda-11.6") && s.reason().contains("not on the class path"), s.reason());
        assertTrue(s.fix().contains("-Pcuda") && s.fix().contains("AIAAS_BACKEND=cpu"), s.fix());
    }

    @Test
    void noDriver() {
        CudaStatus s = probe(new Fake(JAR, false, List.of(), null));
        assertFalse(s.usable());
        assertTrue(s.onClassPath());
        assertTrue(s.reason().contains("no NVIDIA driver"), s.reason());
    }

    @Test
    void wrongCudaVersionNamesFoundAndNeeded() {
        CudaStatus s = probe(new Fake(JAR, true, List.of("libcudart.so.13", "libcudart.so.13.0.48"), null));
        assertFalse(s.usable());
        assertTrue(s.reason().contains("needs CUDA runtime 11.x") && s.reason().contains("found libcudart.so.13"), s.reason());
        assertTrue(s.fix().contains("linux-x86_64-redist"), s.fix());
    }

    @Test
    void noCudaRuntimeAtAll() {
        CudaStatus s = probe(new Fake(JAR, true, List.of(), null));
        assertTrue(s.reason().contains("none was found"), s.reason());
    }

    @Test
    void redistJarStandsInForSystemRuntime() {
        CudaStatus s = probe(new Fake(Set.of(CudaProbe.CUDA_BACKEND_CLASS, CudaProbe.CUDA_REDIST_CLASS), true, List.of(), null));
        assertTrue(s.usable(), s.reason());
    }

    @Test
    void backendsOwnCheckFailing() {
        CudaStatus s = probe(new Fake(JAR, true, List.of("libcudart.so.11.0"), "UnsatisfiedLinkError: no jnicuda"));
        assertFalse(s.usable());
        assertTrue(s.reason().contains("UnsatisfiedLinkError: no jnicuda"), s.reason());
    }

    @Test
    void usableWhenEveryCheckPasses() {
        assertTrue(probe(new Fake(JAR, true, List.of("libcudart.so.11.0"), null)).usable());
    }

    @Test
    void thisMachineHasNoCudaJarOnTheTestClassPath() {
        CudaStatus s = Backends.cudaStatus();
        assertFalse(s.usable());
        assertFalse(s.onClassPath());
    }
}
