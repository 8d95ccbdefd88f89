package dev.aiaas.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendOptionsTest {

    @Test
    void defaultsToAutoWithNd4jThreadDefaults() {
        BackendOptions o = BackendOptions.from(k -> null, Map.of());
        assertEquals(new BackendOptions(BackendKind.AUTO, 0, 0), o);
        assertEquals(o, BackendOptions.defaults());
    }

    @Test
    void readsTheEnvironment() {
        BackendOptions o = BackendOptions.from(k -> null,
                Map.of("AIAAS_BACKEND", "cpu", "AIAAS_THREADS", "2", "AIAAS_BLAS_THREADS", "1"));
        assertEquals(new BackendOptions(BackendKind.CPU, 2, 1), o);
    }

    @Test
    void systemPropertyWinsOverEnvironment() {
        Map<String, String> props = Map.of("aiaas.backend", "cuda", "aiaas.threads", "1");
        BackendOptions o = BackendOptions.from(props::get, Map.of("AIAAS_BACKEND", "cpu", "AIAAS_THREADS", "2"));
        assertEquals(new BackendOptions(BackendKind.CUDA, 1, 0), o);
    }

    @Test
    void unknownBackendNamesTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackendOptions.from(Map.of("aiaas.backend", "tpu")::get, Map.of()));
        assertTrue(e.getMessage().contains("system property aiaas.backend"), e.getMessage());
        assertTrue(e.getMessage().contains("cpu, cuda, auto"), e.getMessage());
    }

    @Test
    void badThreadCountNamesTheVariableAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackendOptions.from(k -> null, Map.of("AIAAS_THREADS", "two")));
        assertTrue(e.getMessage().contains("'two'") && e.getMessage().contains("AIAAS_THREADS"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BackendOptions.from(k -> null, Map.of("AIAAS_BLAS_THREADS", "-1")));
    }

    @Test
    void recordRejectsNegativeCountsAndNullBackend() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BackendOptions(BackendKind.CPU, -3, 0));
        assertTrue(e.getMessage().contains("threads=-3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BackendOptions.of(BackendKind.CPU).withThreads(1, -1));
        assertThrows(NullPointerException.class, () -> new BackendOptions(null, 0, 0));
    }
}
