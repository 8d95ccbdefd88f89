package dev.aiaas.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NativeBuildTest {

    private static final List<String> AVX512_CPU = List.of("model name\t: AMD EPYC 9R14", "flags\t\t: fpu sse2 avx avx2 avx512f avx512bw");
    private static final List<String> AVX2_CPU = List.of("model name\t: Old Xeon", "flags\t\t: fpu sse2 avx avx2");

    private static List<String> maps(String classifier) {
        return List.of("7f00-7f01 r-xp 00000000 00:00 0    /root/.javacpp/cache/nd4j-native-1.0.0-M2.1-" + classifier
                + ".jar/org/nd4j/linalg/cpu/nativecpu/bindings/" + classifier + "/libnd4jcpu.so");
    }

    @Test
    void genericBuildOnAvx512CpuAdvisesTheFasterClassifier() {
        NativeBuild b = NativeBuild.parse(maps("linux-x86_64"), AVX512_CPU);
        assertEquals("linux-x86_64", b.classifier());
        assertEquals("generic", b.buildLevel());
        assertEquals("AVX-512", b.cpuSupports());
        assertEquals("AMD EPYC 9R14", b.cpuModel());
        assertFalse(b.oneDnn());
        assertTrue(b.advice().orElseThrow().contains("-Daiaas.native=linux-x86_64-avx512"), b.advice().toString());
    }

    @Test
    void oneDnnAvx2BuildOnAvx2CpuNeedsNoAdvice() {
        NativeBuild b = NativeBuild.parse(maps("linux-x86_64-onednn-avx2"), AVX2_CPU);
        assertTrue(b.oneDnn());
        assertEquals("AVX2", b.buildLevel());
        assertTrue(b.advice().isEmpty());
    }

    @Test
    void oneDnnAdviceKeepsOneDnn() {
        NativeBuild b = NativeBuild.parse(maps("linux-x86_64-onednn"), AVX512_CPU);
        assertEquals("linux-x86_64-onednn-avx512", b.advice().orElseThrow().replaceAll(".*-Daiaas.native=(\\S+).*", "$1"));
    }

    @Test
    void nothingLoadedReadsAsUnknown() {
        NativeBuild b = NativeBuild.parse(List.of(), List.of());
        assertEquals("unknown", b.classifier());
        assertEquals("generic", b.cpuSupports());
        assertTrue(b.advice().isEmpty());
    }
}
