package dev.aiaas.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.aiaas.core.backend.Backends;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Damaged and hostile CSV files, numeric (into a {@link Dataset}) and tables with a header, plain
 * and gzipped: every truncation of a small valid file, seeded random byte flips, and crafted files
 * (gzip bombs of one cell, of one line and of many lines, an unclosed quote, labels of 2^31,
 * non-finite numbers, duplicate headers) each read correctly or end in
 * {@link DataFormatException}, never another throwable. Runs in the fuzz JVM (256 MB heap, capped
 * off-heap); {@code -Daiaas.fuzz.scale=N} multiplies the flips.
 */
@Tag("fuzz")
class CsvFuzzTest {

    private static final int SCALE = Integer.getInteger("aiaas.fuzz.scale", 1);

    private static final String NUMERIC = "x1,x2,label\n0.5,-1e3,0\n\"2\",3.25,1\n\n4,  5 ,2\r\n6e-2,7,1\n8,9,0\n";
    private static final String TABLE = "\uFEFFname,colour,\"n, of\"\n\"Smith, J.\",red,1\n\"say \"\"hi\"\"\",blue,2\n"
            + "\"two\nlines\",red,3\nx,,4\n";

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** Reads a numeric file; true when it read, false on a DataFormatException. */
    private static boolean readNumeric(byte[] file) {
        try (Reader in = Csv.decode(new ByteArrayInputStream(file), "fuzz.csv");
             Dataset ds = Csv.read(in, "fuzz.csv", CsvOptions.labelNamed("label"))) {
            assertTrue(ds.size() >= 1);
            return true;
        } catch (DataFormatException e) {
            assertTrue(e.getMessage().length() < 2000, "a short message: " + e.getMessage().length() + " characters");
            return false;
        } catch (Throwable t) {
            fail("a damaged CSV must end in DataFormatException, not " + t, t);
            return false;
        }
    }

    /** Reads a table; true when it read, false on a DataFormatException. */
    private static boolean readTable(byte[] file) {
        try (Reader in = Csv.decode(new ByteArrayInputStream(file), "fuzz.csv")) {
            Table t = Csv.readTable(in, "fuzz.csv", ',', true);
            assertTrue(t.columnCount() >= 1);
            return true;
        } catch (DataFormatException e) {
            assertTrue(e.getMessage().length() < 2000, "a short message: " + e.getMessage().length() + " characters");
            return false;
        } catch (Throwable t) {
            fail("a damaged CSV must end in DataFormatException, not " + t, t);
            return false;
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            z.write(data);
        }
        return bytes.toByteArray();
    }

    /** Every truncation, then seeded flips of 1 to 4 bytes; returns how many of the flipped files read. */
    private static int truncationsAndFlips(byte[] valid, java.util.function.Predicate<byte[]> read, long seed) {
        assertTrue(read.test(valid), "the valid file reads");
        for (int n = 0; n < valid.length; n++) {
            read.test(Arrays.copyOf(valid, n));
        }
        SplittableRandom random = new SplittableRandom(seed);
        int ok = 0;
        for (int i = 0; i < 10_000 * SCALE; i++) {
            byte[] b = valid.clone();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
            }
            ok += read.test(b) ? 1 : 0;
        }
        return ok;
    }

    @Test
    void numericFilesPlainAndGzipped() throws IOException {
        byte[] plain = NUMERIC.getBytes(StandardCharsets.UTF_8);
        int ok = truncationsAndFlips(plain, CsvFuzzTest::readNumeric, 1);
        assertTrue(ok > 0 && ok < 10_000 * SCALE, ok + " of the flipped files read");
        byte[] gz = gzip(plain);
        int corrupt = 0;
        for (int n = 0; n < gz.length; n++) {
            corrupt += readNumeric(Arrays.copyOf(gz, n)) ? 0 : 1;
        }
        assertEquals(gz.length, corrupt, "every truncation of a gzipped file is damage (its trailer is checked)");
        truncationsAndFlips(gz, CsvFuzzTest::readNumeric, 2);
    }

    @Test
    void tablesPlainAndGzipped() throws IOException {
        byte[] plain = TABLE.getBytes(StandardCharsets.UTF_8);
        truncationsAndFlips(plain, CsvFuzzTest::readTable, 3);
        truncationsAndFlips(gzip(plain), CsvFuzzTest::readTable, 4);
    }

    /**
     * A gzip bomb: {@code prefix}, then {@code unit} repeated to {@code bytes} bytes, as
     * concatenated gzip members (which a gzip reader reads as one stream): one member for the
     * prefix, then the same compressed 1 MiB member over and over, so a GB costs about 1 MB and no
     * time to make.
     */
    static byte[] bomb(String prefix, String unit, long bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(gzip(prefix.getBytes(StandardCharsets.UTF_8)));
        byte[] member = gzip(unit.repeat((1 << 20) / unit.length()).getBytes(StandardCharsets.UTF_8));
        for (long written = 0; written < bytes; written += 1 << 20) {
            out.write(member);
        }
        return out.toByteArray();
    }

    private static DataFormatException numericFails(byte[] file) {
        try (Reader in = Csv.decode(new ByteArrayInputStream(file), "bomb.csv.gz");
             Dataset ds = Csv.read(in, "bomb.csv.gz", CsvOptions.labelAt(0))) {
            fail("expected a DataFormatException, read " + ds);
            return null;
        } catch (DataFormatException e) {
            return e;
        } catch (Throwable t) {
            fail("expected a DataFormatException, not " + t, t);
            return null;
        }
    }

    private static DataFormatException tableFails(byte[] file) {
        try (Reader in = Csv.decode(new ByteArrayInputStream(file), "bomb.csv.gz")) {
            Table t = Csv.readTable(in, "bomb.csv.gz", ',', true);
            fail("expected a DataFormatException, read " + t);
            return null;
        } catch (DataFormatException e) {
            return e;
        } catch (Throwable t) {
            fail("expected a DataFormatException, not " + t, t);
            return null;
        }
    }

    /** One cell of 1 GB, plain or inside an unclosed quote: the cell limit, after about 1 MB. */
    @Test
    void aGzipBombOfOneCellStopsAtTheCellLimit() throws IOException {
        byte[] gz = bomb("a,b\n0,", "x", 1L << 30);
        assertTrue(gz.length < 4 << 20, gz.length + " bytes");
        DataFormatException e = tableFails(gz);
        assertTrue(e.found().contains("a cell longer than"), e.getMessage());
        e = tableFails(bomb("a,b\n0,\"", "y\n", 1L << 30));
        assertTrue(e.found().contains("a cell longer than"), e.getMessage());
        assertEquals("line 2, column 2", e.location());
    }

    /** One line of a billion empty cells: the column limit, after about a million. */
    @Test
    void aGzipBombOfOneLineStopsAtTheColumnLimit() throws IOException {
        DataFormatException e = tableFails(bomb("a,b\n", ",", 1L << 30));
        assertTrue(e.found().contains("more than " + CsvLimits.DEFAULT_MAX_COLUMNS + " cells"), e.getMessage());
        e = numericFails(bomb("", "1", 1L << 30));
        assertTrue(e.found().contains("a cell longer than"), e.getMessage());
    }

    /**
     * Many short lines: a numeric file's arrays and a table's rows grow until they would not fit
     * in the heap (256 MB here), then a DataFormatException, not an OutOfMemoryError.
     */
    @Test
    void aGzipBombOfManyLinesStopsBeforeTheHeapIsExhausted() throws IOException {
        DataFormatException e = tableFails(bomb("a,b,c,d,e,f,g,h\n", "1,2,3,4,5,6,7,8\n", 1L << 30));
        assertTrue(e.expected().contains("fits in half the Java heap") && e.fix().contains("-Xmx"), e.getMessage());
        // numbers are held as 4 bytes each, so filling the heap takes ~60 M cells; rows of 100,000 cells fill it at the first
        String row = "0,".repeat(99_999) + "0\n";
        e = numericFails(bomb("", row, 1L << 30));
        assertTrue(e.expected().contains("fits in the Java heap") && e.location().equals("line 1"), e.getMessage());
    }

    @Test
    void craftedCellsEndInTypedErrors() throws IOException {
        String[][] cases = {
            {"label,x\n2147483648,1\n", "line 2, column 1"},
            {"label,x\n0,1\n-1,2\n", "line 3, column 1"},
            {"label,x\n0,1e39\n", "line 2, column 2"},
            {"label,x\n0,NaN\n", "line 2, column 2"},
            {"label,x\n0,-Infinity\n", "line 2, column 2"},
            {"label,x,x,label\n", "line 2"}, // the last 'label' is the label column; then no data lines
            {"label,x\n0,\"1\"2\n", "line 2, column 2"},
            {"label,x\n0,1\n0,1,2\n", "line 3"},
        };
        for (String[] c : cases) {
            byte[] b = c[0].getBytes(StandardCharsets.UTF_8);
            for (byte[] file : new byte[][] {b, gzip(b)}) {
                try (Reader in = Csv.decode(new ByteArrayInputStream(file), "c.csv");
                     Dataset ds = Csv.read(in, "c.csv", CsvOptions.labelNamed("label"))) {
                    fail(c[0] + " read as " + ds);
                } catch (DataFormatException e) {
                    assertTrue(e.location().startsWith(c[1]), c[0] + ": " + e.getMessage());
                }
            }
        }
        // a duplicate column name is an error in a table (the numeric reader takes the last 'label')
        DataFormatException e = tableFails(gzip("label,x,x\n0,1,2\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.found().contains("the column name 'x' twice"), e.getMessage());
    }
}
