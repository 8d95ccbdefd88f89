package dev.aiaas.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelEncoderTest {

    @Test
    void textLabelsAreSortedWhateverTheRowOrder() {
        LabelEncoder e = LabelEncoder.fit(List.of("virginica", "setosa", "versicolor", "setosa"));
        assertEquals(List.of("setosa", "versicolor", "virginica"), e.classes());
        assertEquals(LabelEncoder.fit(List.of("setosa", "versicolor", "virginica")), e);
        assertEquals(3, e.size());
        assertEquals(2, e.encode("virginica"));
        assertEquals("versicolor", e.decode(1));
        assertTrue(e.contains("setosa"));
        assertFalse(e.contains("Setosa"));
        // code units: upper case before lower case
        assertEquals(List.of("B", "a"), LabelEncoder.fit(List.of("a", "B")).classes());
    }

    @Test
    void numericLabelsAreSortedByValue() {
        assertEquals(List.of("-1", "2", "10", "10.0"), LabelEncoder.fit(List.of("10.0", "10", "2", "-1")).classes());
        // a label that is not a number makes every label text
        assertEquals(List.of("10", "2", "x"), LabelEncoder.fit(List.of("2", "10", "x")).classes());
    }

    @Test
    void unknownLabelsAndBadIndicesNameTheValue() {
        LabelEncoder e = new LabelEncoder(List.of("no", "yes"));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> e.encode("maybe"));
        assertTrue(ex.getMessage().contains("'maybe'") && ex.getMessage().contains("[no, yes]"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> e.decode(2));
        assertTrue(ex.getMessage().contains("class index 2 is outside [0, 2)"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.decode(-1));
    }

    @Test
    void theRecordIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new LabelEncoder(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new LabelEncoder(List.of("a", "a")));
        assertThrows(NullPointerException.class, () -> new LabelEncoder(java.util.Arrays.asList("a", null)));
        assertThrows(IllegalArgumentException.class, () -> LabelEncoder.fit(List.of()));
    }

    /**
     * The classes (and a categorical feature's categories) are held in a list that indexes itself
     * once; it must still behave as the unmodifiable copy the records document.
     */
    @Test
    void theIndexedClassesActAsAnUnmodifiableListCopy() {
        java.util.ArrayList<String> given = new java.util.ArrayList<>(List.of("no", "yes", "maybe"));
        LabelEncoder e = new LabelEncoder(given);
        given.set(0, "changed");
        assertEquals(List.of("no", "yes", "maybe"), e.classes());
        assertEquals(e.classes(), List.of("no", "yes", "maybe"));
        assertEquals(List.of("no", "yes", "maybe").hashCode(), e.classes().hashCode());
        assertEquals(new LabelEncoder(List.of("no", "yes", "maybe")), e);
        assertEquals(new LabelEncoder(List.of("no", "yes", "maybe")).hashCode(), e.hashCode());
        assertEquals("LabelEncoder[classes=[no, yes, maybe]]", e.toString());
        assertEquals(2, e.classes().indexOf("maybe"));
        assertEquals(-1, e.classes().indexOf("Maybe"));
        assertFalse(e.contains(null));
        assertThrows(IllegalArgumentException.class, () -> e.encode(null));
        assertThrows(UnsupportedOperationException.class, () -> e.classes().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> e.classes().set(0, "x"));
        Feature.Categorical c = new Feature.Categorical("colour", given);
        assertEquals(List.of("changed", "yes", "maybe"), c.categories());
        assertEquals(new Feature.Categorical("colour", List.of("changed", "yes", "maybe")), c);
        assertEquals(1, c.categories().indexOf("yes"));
        assertThrows(IllegalArgumentException.class, () -> new Feature.Categorical("c", List.of("a", "a")));
        assertThrows(NullPointerException.class, () -> new Feature.Categorical("c", java.util.Arrays.asList("a", null)));
    }
}
