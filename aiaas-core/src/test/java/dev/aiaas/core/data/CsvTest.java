package dev.aiaas.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {

    @BeforeAll
    static void backend() {
        // explicitly the CPU, as every test JVM runs on it (and BackendsTest expects 'requested: cpu')
        Backends.select(BackendOptions.of(BackendKind.CPU));
    }

    private static Dataset read(String text, CsvOptions o) throws IOException {
        return Csv.read(new StringReader(text), "t.csv", o);
    }

    private static DataFormatException bad(String text, CsvOptions o) {
        return assertThrows(DataFormatException.class, () -> read(text, o));
    }

    @Test
    void labelByNameWithHeader() throws IOException {
        try (Dataset ds = read("a,label,b\n1,2,3\n\n4.5,0,-6e1\n", CsvOptions.labelNamed("label"))) {
            assertArrayEquals(new int[] {2, 0}, ds.labels());
            assertEquals(3, ds.numClasses());
            assertArrayEquals(new float[][] {{1, 3}, {4.5f, -60}}, ds.features().toFloatMatrix());
        }
    }

    @Test
    void labelByIndexAsFloatTargetsGzippedFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("data.csv");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write("1;0.5\n2;1.5\n".getBytes(StandardCharsets.UTF_8));
        }
        try (Dataset ds = Csv.read(f, CsvOptions.labelAt(1).withDelimiter(';').withFloatTargets())) {
            assertArrayEquals(new float[][] {{0.5f}, {1.5f}}, ds.targets().toFloatMatrix());
            assertArrayEquals(new float[][] {{1}, {2}}, ds.features().toFloatMatrix());
        }
        try (Dataset ds = read("0,1\n", CsvOptions.labelAt(0).withNumClasses(4))) {
            assertEquals(4, ds.numClasses());
        }
    }

    @Test
    void badCellNamesLineColumnAndContent() {
        DataFormatException e = bad("x,y\n1,2\n3,abc\n", CsvOptions.labelAt(0).withHeader(true));
        assertEquals("line 3, column 2", e.location());
        assertEquals("'abc'", e.found());
        assertTrue(e.getMessage().startsWith("t.csv: at line 3, column 2: found 'abc'"), e.getMessage());
        assertEquals("line 1, column 1", bad("NaN,1\n", CsvOptions.labelAt(0)).location());
        assertEquals("line 1, column 2", bad("1,\n", CsvOptions.labelAt(0)).location());
        assertEquals("line 1, column 2", bad("1,2f\n", CsvOptions.labelAt(0)).location());
    }

    @Test
    void badLabelsRaggedLinesMissingColumnsAndNoData() {
        DataFormatException e = bad("1.5,2\n", CsvOptions.labelAt(0));
        assertTrue(e.expected().contains("integer class label") && e.fix().contains("withFloatTargets"), e.getMessage());
        assertTrue(bad("-1,2\n", CsvOptions.labelAt(0)).expected().contains("integer class label"));
        e = bad("3,2\n", CsvOptions.labelAt(0).withNumClasses(2));
        assertTrue(e.fix().contains("withNumClasses(4)"), e.getMessage());
        e = bad("1,2\n1,2,3\n", CsvOptions.labelAt(0));
        assertEquals("line 2", e.location());
        assertEquals("3 columns", e.found());
        e = bad("a,b\n1,2\n", CsvOptions.labelNamed("label"));
        assertTrue(e.found().contains("[a, b]") && e.expected().contains("'label'"), e.getMessage());
        assertTrue(bad("1,2\n", CsvOptions.labelAt(5)).expected().contains("index 5"));
        assertTrue(bad("a,b\n", CsvOptions.labelAt(0).withHeader(true)).found().contains("no data"));
        assertTrue(bad("1\n2\n", CsvOptions.labelAt(0)).expected().contains("at least one feature column"));
    }

    @Test
    void optionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> CsvOptions.labelAt(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvOptions.labelNamed("y").withHeader(false));
        assertTrue(e.getMessage().contains("needs a header"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CsvOptions(false, ',', 1, "y", false, 0));
        assertThrows(IllegalArgumentException.class, () -> CsvOptions.labelAt(0).withDelimiter('.'));
        assertThrows(IllegalArgumentException.class, () -> CsvOptions.labelAt(0).withNumClasses(-2));
    }

    // ------------------------------------------------------------------ RFC 4180 and tables

    private static Table table(String text) throws IOException {
        return Csv.readTable(new StringReader(text), "t.csv", ',');
    }

    @Test
    void numericFilesMayQuoteCells() throws IOException {
        try (Dataset ds = read("\"a\",\"label\"\n\" 1.5\",\"2\"\n", CsvOptions.labelNamed("label"))) {
            assertArrayEquals(new int[] {2}, ds.labels());
            assertArrayEquals(new float[][] {{1.5f}}, ds.features().toFloatMatrix());
        }
    }

    @Test
    void quotedCellsHoldDelimitersQuotesAndLineBreaks() throws IOException {
        Table t = table("\uFEFFname, note ,n\n\"Smith, J.\",\"said \"\"hi\"\"\", 3 \n\n\"two\nlines\",,4\r\nx,y,5\n");
        assertEquals(List.of("name", "note", "n"), t.columns()); // the byte-order mark and the spaces are dropped
        assertEquals(3, t.size());
        assertEquals(List.of("Smith, J.", "said \"hi\"", "3"), t.row(0));
        assertEquals(List.of("two\nlines", "", "4"), t.row(1));
        assertEquals(List.of("x", "y", "5"), t.row(2));
        // where each record starts: line 3 is empty, the record on line 4 runs into line 5
        assertEquals("line 2", t.location(0));
        assertEquals("line 4", t.location(1));
        assertEquals("line 6", t.location(2));
        assertEquals("t.csv", t.source());
    }

    @Test
    void tablesWithOtherDelimitersAndGzippedFiles(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("t.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write("a;b\n1;\"x;y\"\n".getBytes(StandardCharsets.UTF_8));
        }
        Table t = Csv.readTable(f, ';');
        assertEquals(List.of("1", "x;y"), t.row(0));
        assertEquals(f.toString(), t.source());
        assertThrows(IllegalArgumentException.class, () -> Csv.readTable(f, '"'));
    }

    @Test
    void tablesWithoutAHeaderNameTheirColumns() throws IOException {
        Table t = Csv.readTable(new StringReader("0.5,1\n\n0,\"0.25\"\n"), "pixels.csv", ',', false);
        assertEquals(List.of("column1", "column2"), t.columns());
        assertEquals(List.of("0", "0.25"), t.row(1));
        assertEquals("line 3", t.location(1));
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> Csv.readTable(new StringReader("1,2\n3\n"), "p.csv", ',', false));
        assertEquals("line 2", e.location());
        assertTrue(e.expected().contains("as on the first line"), e.getMessage());
    }

    @Test
    void badTablesNameTheLine() {
        DataFormatException e = assertThrows(DataFormatException.class, () -> table("a,b\n1,2\n3\n"));
        assertEquals("line 3", e.location());
        assertEquals("1 cells", e.found());
        assertTrue(e.expected().contains("[a, b]") && e.fix().contains("quote a cell"), e.getMessage());
        e = assertThrows(DataFormatException.class, () -> table("a,b,a\n1,2,3\n"));
        assertEquals("line 1 (header)", e.location());
        assertTrue(e.fix().contains("rename"), e.getMessage());
        e = assertThrows(DataFormatException.class, () -> table("a,b\n1,2\n\"3,4\n5,6\n"));
        assertEquals("line 3, column 1", e.location()); // where the quote opens
        assertTrue(e.found().contains("does not end") && e.fix().contains("close the quote"), e.getMessage());
        e = assertThrows(DataFormatException.class, () -> table("\n  \n"));
        assertEquals("an empty file", e.found());
        e = assertThrows(DataFormatException.class, () -> read("1,\"2\n", CsvOptions.labelAt(0)));
        assertEquals("line 1, column 2", e.location());
    }

    // ------------------------------------------------------------------ streaming

    /** "1,2\n" forever after {@code head}; counts what was read. */
    private static final class Endless extends Reader {
        private final String head;
        long read;

        Endless(String head) {
            this.head = head;
        }

        @Override
        public int read(char[] buf, int off, int len) {
            for (int i = 0; i < len; i++, read++) {
                buf[off + i] = read < head.length() ? head.charAt((int) read) : "1,2\n".charAt((int) ((read - head.length()) % 4));
            }
            return len;
        }

        @Override
        public void close() {
        }
    }

    /** Records are converted as they are read: a bad cell early in an endless input is reported at once. */
    @Test
    void numericFilesAndTablesAreReadAsAStream() {
        Endless in = new Endless("x,label\n1,0\n2,oops\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> Csv.read(in, "endless.csv", CsvOptions.labelNamed("label")));
        assertEquals("line 3, column 2", e.location());
        assertTrue(in.read < 1 << 20, in.read + " characters read");
        Endless ragged = new Endless("a,b\n1,2\n3\n");
        e = assertThrows(DataFormatException.class, () -> Csv.readTable(ragged, "endless.csv", ','));
        assertEquals("line 3", e.location());
        assertTrue(ragged.read < 1 << 20, ragged.read + " characters read");
    }

    /** Line numbers count the line breaks inside quoted cells (CR LF once) and skipped lines. */
    @Test
    void lineNumbersFollowQuotedLineBreaks() throws IOException {
        DataFormatException e = bad("\"1\r\n\r\n\",2\r\n\r\n \n\"3\n\",x\n", CsvOptions.labelAt(0));
        assertEquals("line 6, column 2", e.location());
        // a record of empty cells, tab-separated, starts on its own line
        Table t = Csv.readTable(new StringReader("a\tb\n\t\n\n1\t2\n"), "t.tsv", '\t');
        assertEquals(List.of("", ""), t.row(0));
        assertEquals("line 2", t.location(0));
        assertEquals("line 4", t.location(1));
    }

    @Test
    void readErrorsAndDamagedGzipAreNotSyntaxErrors(@TempDir Path dir) throws IOException {
        Reader failing = new Reader() {
            private final String text = "1,2\n3,4\n";
            private int pos;

            @Override
            public int read(char[] buf, int off, int len) throws IOException {
                if (pos == text.length()) {
                    throw new IOException("disk on fire");
                }
                int k = Math.min(len, text.length() - pos);
                text.getChars(pos, pos + k, buf, off);
                pos += k;
                return k;
            }

            @Override
            public void close() {
            }
        };
        IOException e = assertThrows(IOException.class, () -> Csv.read(failing, "f.csv", CsvOptions.labelAt(0)));
        assertEquals("disk on fire", e.getMessage());
        Path f = dir.resolve("cut.csv.gz");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write("1,2\n".repeat(1000).getBytes(StandardCharsets.UTF_8));
        }
        Files.write(f, java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2));
        DataFormatException d = assertThrows(DataFormatException.class, () -> Csv.read(f, CsvOptions.labelAt(0)));
        assertEquals("gzip stream", d.location());
        assertTrue(d.found().contains("corrupt or truncated"), d.getMessage());
    }

    // ------------------------------------------------------------------ limits and hardening (issue 14)

    /** A reader of {@code head}, then {@code fill} forever; counts what was read. */
    private static final class Repeating extends Reader {
        private final String head;
        private final char fill;
        long read;

        Repeating(String head, char fill) {
            this.head = head;
            this.fill = fill;
        }

        @Override
        public int read(char[] buf, int off, int len) {
            for (int i = 0; i < len; i++, read++) {
                buf[off + i] = read < head.length() ? head.charAt((int) read) : fill;
            }
            return len;
        }

        @Override
        public void close() {
        }
    }

    /** A 50 MB cell (here endless) stops at the cell limit, before it is held, with a short message. */
    @Test
    void aGiantCellStopsAtTheCellLimitWithAShortMessage() {
        Repeating in = new Repeating("a,b\n1,", 'x');
        DataFormatException e = assertThrows(DataFormatException.class, () -> Csv.readTable(in, "big.csv", ','));
        assertEquals("line 2, column 2", e.location());
        assertTrue(e.found().startsWith("a cell longer than " + CsvLimits.DEFAULT_MAX_CELL_CHARS + " characters, starting 'xxx"),
                e.found());
        assertTrue(e.expected().contains("CsvLimits.maxCellChars") && e.fix().contains("withMaxCellChars"), e.getMessage());
        assertTrue(e.getMessage().length() < 600, e.getMessage().length() + " characters");
        assertTrue(in.read < CsvLimits.DEFAULT_MAX_CELL_CHARS + (1 << 17), in.read + " characters read");
        // an unclosed quote makes the rest of the file one cell: the same limit stops it
        Repeating quoted = new Repeating("a,b\n1,\"", 'y');
        e = assertThrows(DataFormatException.class,
                () -> Csv.read(quoted, "q.csv", CsvOptions.labelAt(0).withHeader(true).withLimits(CsvLimits.DEFAULT.withMaxCellChars(10))));
        assertEquals("line 2, column 2", e.location());
        assertTrue(e.found().contains("longer than 10 characters, starting 'yyyyyyyyyy") && e.found().length() < 200, e.found());
        assertTrue(quoted.read <= 1 << 16, quoted.read + " characters read");
    }

    @Test
    void recordAndColumnLimits() {
        CsvLimits small = CsvLimits.DEFAULT.withMaxRecordChars(20).withMaxColumns(3);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> Csv.readTable(new StringReader("a,b,c\n1,2,3\n1,2,3,4\n"), "t.csv", ',', true, small));
        assertEquals("line 3, column 4", e.location());
        assertEquals("more than 3 cells in one record", e.found());
        assertTrue(e.fix().contains("delimiter (',')") && e.fix().contains("withMaxColumns"), e.getMessage());
        e = assertThrows(DataFormatException.class,
                () -> Csv.readTable(new StringReader("a,b\n1,2\n\"1234567890\n1234567890\",2\n"), "t.csv", ',', true, small));
        assertEquals("line 3", e.location());
        assertTrue(e.found().contains("longer than 20 characters") && e.fix().contains("withMaxRecordChars"), e.getMessage());
        // a file of one endless line of short cells: the record limit, default 2^24 characters
        Repeating in = new Repeating("a,b\n", ',');
        e = assertThrows(DataFormatException.class, () -> Csv.readTable(in, "wide.csv", ',', true,
                CsvLimits.DEFAULT.withMaxColumns(Integer.MAX_VALUE)));
        assertEquals("line 2", e.location());
        assertTrue(in.read < CsvLimits.DEFAULT_MAX_RECORD_CHARS + (1 << 17), in.read + " characters read");
        // within the limits the same text reads
        assertEquals(1, assertDoesNotThrowTable("a,b,c\n1,2,3\n", small).size());
    }

    private static Table assertDoesNotThrowTable(String text, CsvLimits limits) {
        return org.junit.jupiter.api.Assertions.assertDoesNotThrow(
                () -> Csv.readTable(new StringReader(text), "t.csv", ',', true, limits));
    }

    @Test
    void limitsAndOptionsAreValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvLimits.DEFAULT.withMaxCellChars(0));
        assertTrue(e.getMessage().contains("maxCellChars=0") && e.getMessage().contains(">= 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CsvLimits.DEFAULT.withMaxRecordChars(-1));
        assertThrows(IllegalArgumentException.class, () -> CsvLimits.DEFAULT.withMaxColumns(0));
        e = assertThrows(IllegalArgumentException.class, () -> CsvOptions.labelAt(0).withNumClasses(CsvOptions.MAX_CLASSES + 1));
        assertTrue(e.getMessage().contains("expected 1 to " + CsvOptions.MAX_CLASSES), e.getMessage());
        assertThrows(NullPointerException.class, () -> CsvOptions.labelAt(0).withLimits(null));
        assertEquals(CsvLimits.DEFAULT, CsvOptions.labelAt(0).limits());
    }

    /** A label of 2^31 or more is reported on its own line with the range of labels, not an overflowed one. */
    @Test
    void hugeLabelsNameTheirLineAndTheRange() {
        DataFormatException e = bad("0,1\n1,2\n2147483648,3\n", CsvOptions.labelAt(0));
        assertEquals("line 3, column 1", e.location());
        assertEquals("'2147483648'", e.found());
        assertTrue(e.expected().contains("[0, " + CsvOptions.MAX_CLASSES + ")"), e.expected());
        assertTrue(e.fix().contains("withFloatTargets"), e.fix());
        e = bad("0,1\n99999999999999999999,2\n", CsvOptions.labelAt(0));
        assertEquals("line 2, column 1", e.location());
        e = bad("0,1\n16777216,2\n", CsvOptions.labelAt(0)); // 2^24: the first label float32 could not tell from 2^24 + 1
        assertEquals("line 2, column 1", e.location());
        e = bad("0,1\n3.0000001,2\n", CsvOptions.labelAt(0)); // read exactly, not rounded to float32's 3
        assertTrue(e.expected().contains("integer class label"), e.getMessage());
        e = bad("0,1\n5,2\n", CsvOptions.labelAt(0).withNumClasses(3));
        assertEquals("line 2, column 1", e.location());
        assertTrue(e.expected().contains("[0, 3)") && e.fix().contains("withNumClasses(6)"), e.getMessage());
    }

    @Test
    void nonFiniteAndNonDecimalNumbersAreRefused() {
        for (String cell : new String[] {"1e39", "-1e39", "NaN", "Infinity", "-Infinity", "0x1p3", "1f", "1d"}) {
            DataFormatException e = bad("0," + cell + "\n", CsvOptions.labelAt(0));
            assertEquals("line 1, column 2", e.location(), cell);
            assertTrue(e.expected().contains("finite decimal number"), e.getMessage());
        }
        DataFormatException e = bad("1e39,1\n", CsvOptions.labelAt(1).withFloatTargets());
        assertEquals("line 1, column 1", e.location());
    }

    /** A bad cell of 5,000 characters is quoted to 100 in the message. */
    @Test
    void messagesQuoteAtMostOneHundredCharacters() {
        String cell = "z".repeat(5000);
        DataFormatException e = bad("0," + cell + "\n", CsvOptions.labelAt(0));
        assertTrue(e.found().startsWith("'zzz") && e.found().endsWith("...' (5000 characters)"), e.found());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
        e = assertThrows(DataFormatException.class, () -> table("a," + cell + ",a\n1,2,3\n"));
        assertTrue(e.found().startsWith("the column name 'a' twice in '[a, zz"), e.found());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
        e = assertThrows(DataFormatException.class, () -> read("a," + cell + "\n1,2\n", CsvOptions.labelNamed("label")));
        assertTrue(e.getMessage().length() < 400, e.getMessage());
    }

    @Test
    void textAfterAClosingQuoteIsAnError() {
        DataFormatException e = assertThrows(DataFormatException.class, () -> table("a,b\n\"x\"y,2\n"));
        assertEquals("line 2, column 1", e.location());
        assertTrue(e.found().startsWith("'y' after the closing quote") && e.fix().contains("\"\""), e.getMessage());
        // spaces after the closing quote are dropped, as around any cell
        assertDoesNotThrowTable("a,b\n\"x\"  ,2\n", CsvLimits.DEFAULT);
        // a quote inside an unquoted cell is an ordinary character
        try {
            assertEquals(List.of("x\"y", "2"), table("a,b\nx\"y,2\n").row(0));
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
    }

    /** The gzip trailer's CRC is checked: a file whose text is intact but whose CRC is wrong is refused. */
    @Test
    void aWrongGzipCrcIsRefused(@TempDir Path dir) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
        }
        byte[] gz = bytes.toByteArray();
        gz[gz.length - 8] ^= 1; // the CRC-32, first of the trailer's 8 bytes
        Path f = dir.resolve("crc.csv.gz");
        Files.write(f, gz);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Csv.readTable(f));
        assertEquals("gzip stream", e.location());
        assertTrue(e.getCause() instanceof dev.aiaas.core.io.CorruptInputException, String.valueOf(e.getCause()));
        e = assertThrows(DataFormatException.class, () -> Csv.read(f, CsvOptions.labelAt(0).withHeader(true)));
        assertEquals("gzip stream", e.location());
    }
}
