package dev.aiaas.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackendKindTest {

    @ParameterizedTest
    @CsvSource({"cpu,CPU", "CUDA,CUDA", " Auto ,AUTO"})
    void parsesEachValueIgnoringCaseAndSpace(String value, BackendKind expected) {
        assertEquals(expected, BackendKind.parse(value, "test"));
    }

    @Test
    void unknownValueNamesItsSourceAndListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackendKind.parse("gpu", "environment variable AIAAS_BACKEND"));
        assertTrue(e.getMessage().contains("'gpu'"), e.getMessage());
        assertTrue(e.getMessage().contains("environment variable AIAAS_BACKEND"), e.getMessage());
        assertTrue(e.getMessage().contains("cpu, cuda, auto"), e.getMessage());
    }
}
