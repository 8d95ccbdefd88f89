package dev.aiaas.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableTest {

    /** n rows: id i, colour red/green/blue by i % 3. */
    static Table numbered(int n) {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(List.of(Integer.toString(i), List.of("red", "green", "blue").get(i % 3)));
        }
        return Table.of(List.of("id", "colour"), rows);
    }

    @Test
    void cellsRowsAndColumns() {
        Table t = numbered(4);
        assertEquals(4, t.size());
        assertEquals(2, t.columnCount());
        assertEquals(1, t.columnIndex("colour"));
        assertEquals(-1, t.columnIndex("size"));
        assertEquals("green", t.cell(1, 1));
        assertEquals(List.of("2", "blue"), t.row(2));
        assertEquals(Map.of("id", "3", "colour", "red"), t.rowMap(3));
        assertEquals(List.of("red", "green", "blue", "red"), t.column("colour"));
        assertEquals("row 2", t.location(1));
        assertEquals("Table[rows: 4 rows, columns [id, colour]]", t.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.column("size"));
        assertTrue(e.getMessage().contains("[id, colour]"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> t.row(0).set(0, "x"));
    }

    @Test
    void badTablesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Table.of(List.of(), List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Table.of(List.of("a", "a"), List.of()));
        assertTrue(e.getMessage().contains("'a' appears twice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Table.of(List.of("a", "b"), List.of(List.of("1"))));
        assertTrue(e.getMessage().startsWith("row 1 has 1 cells; expected 2"), e.getMessage());
    }

    @Test
    void selectKeepsEachRowsLocation() {
        Table t = numbered(5).select(new int[] {4, 0, 4});
        assertEquals(List.of("4", "0", "4"), t.column("id"));
        assertEquals("row 5", t.location(0));
        assertEquals("row 1", t.location(1));
        assertThrows(IllegalArgumentException.class, () -> numbered(2).select(new int[] {2}));
    }

    @Test
    void splitIsDisjointCompleteAndFollowsTheDatasetRule() {
        Table t = numbered(10);
        Table.Split s = t.split(0.3, 7);
        assertEquals(7, s.train().size());
        assertEquals(3, s.test().size());
        Set<String> ids = new HashSet<>(s.train().column("id"));
        ids.addAll(s.test().column("id"));
        assertEquals(10, ids.size());
        // the same rows as Dataset.split with the same seed: the first round(n·f) of the permutation held out
        int[] p = Shuffle.permutation(10, 7);
        assertEquals(List.of(Integer.toString(p[0]), Integer.toString(p[1]), Integer.toString(p[2])), s.test().column("id"));
        assertEquals(s.test().column("id"), t.split(0.3, 7).test().column("id"));
        assertTrue(!s.test().column("id").equals(t.split(0.3, 8).test().column("id")));
        assertThrows(IllegalArgumentException.class, () -> t.split(0, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> numbered(2).split(0.1, 1));
        assertTrue(e.getMessage().contains("leaves 0 held out"), e.getMessage());
        try (Dataset ds = Dataset.of(new float[10][1], new int[10]); TrainTest tt = ds.split(0.3, 7)) {
            assertEquals(3, tt.test().size());
        }
    }
}
