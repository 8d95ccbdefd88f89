package dev.aiaas.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    /** A 2x3x3 array holding 0, 1, ..., 16, 255. */
    static IdxData twoByThreeByThree() {
        byte[] data = new byte[18];
        for (int i = 0; i < 17; i++) {
            data[i] = (byte) i;
        }
        data[17] = (byte) 255;
        return new IdxData(new int[] {2, 3, 3}, data);
    }

    static byte[] bytes(IdxData d) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Idx.write(d, out);
        return out.toByteArray();
    }

    @Test
    void writesTheDocumentedLayout() throws IOException {
        byte[] b = bytes(twoByThreeByThree());
        assertEquals(4 + 3 * 4 + 18, b.length);
        assertArrayEquals(new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 3}, Arrays.copyOf(b, 16));
        assertEquals((byte) 255, b[b.length - 1]);
    }

    @Test
    void plainAndGzippedFilesRoundTripWhateverTheirName(@TempDir Path dir) throws IOException {
        IdxData d = twoByThreeByThree();
        Path plain = dir.resolve("a.gz"); // the name lies: detection is by content
        Path gz = dir.resolve("b.idx");
        Idx.write(d, plain, false);
        Idx.write(d, gz, true);
        assertEquals(0x1F, Files.readAllBytes(gz)[0] & 0xFF);
        assertEquals(0, Files.readAllBytes(plain)[0]);
        for (Path p : new Path[] {plain, gz}) {
            IdxData r = Idx.read(p, 3);
            assertEquals(d, r);
            assertArrayEquals(new int[] {2, 3, 3}, r.shape());
            assertEquals(2, r.count());
            assertEquals(9, r.itemSize());
            assertEquals(255, r.unsigned(17));
        }
    }

    @Test
    void gzipOutputIsReproducible(@TempDir Path dir) throws IOException {
        Idx.write(twoByThreeByThree(), dir.resolve("1"), true);
        Idx.write(twoByThreeByThree(), dir.resolve("2"), true);
        assertArrayEquals(Files.readAllBytes(dir.resolve("1")), Files.readAllBytes(dir.resolve("2")));
    }

    @Test
    void writingReplacesAFileWholeAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("images.idx");
        Files.write(file, new byte[] {1, 2, 3});
        for (boolean gzip : new boolean[] {false, true}) {
            Idx.write(twoByThreeByThree(), file, gzip);
            assertEquals(twoByThreeByThree(), Idx.read(file));
            try (var files = Files.list(dir)) {
                assertEquals(java.util.List.of(file), files.toList(), "only the target is left in the folder");
            }
        }
        // a folder that does not exist: the typed error, and nothing written anywhere
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Idx.write(twoByThreeByThree(), dir.resolve("none/x.idx"), false));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void selectTakesItemsInOrder() {
        IdxData s = twoByThreeByThree().select(new int[] {1, 0, 1});
        assertArrayEquals(new int[] {3, 3, 3}, s.shape());
        assertEquals(9, s.unsigned(0));
        assertEquals(0, s.unsigned(9));
        assertThrows(IllegalArgumentException.class, () -> twoByThreeByThree().select(new int[] {2}));
    }

    private static DataFormatException malformed(byte[] b, int rank) {
        return assertThrows(DataFormatException.class, () -> Idx.parse(b, "test.idx", rank));
    }

    private static void assertNames(DataFormatException e, String location, String found) {
        assertTrue(e.getMessage().startsWith("test.idx: at "), e.getMessage());
        assertTrue(e.location().contains(location), e.location());
        assertTrue(e.found().contains(found), e.found());
        assertTrue(e.getMessage().contains("expected") && e.getMessage().contains("Fix:"), e.getMessage());
    }

    @Test
    void tooShortForAMagicNumber() {
        assertNames(malformed(new byte[] {0, 0}, 0), "offset 0 (magic number)", "2 bytes");
    }

    @Test
    void badMagic() {
        assertNames(malformed(new byte[] {'P', 'K', 3, 4, 0, 0}, 0), "offset 0 (magic number)", "0x504B0304");
    }

    @Test
    void nonByteType() throws IOException {
        byte[] b = bytes(twoByThreeByThree());
        b[2] = 0x0D;
        DataFormatException e = malformed(b, 0);
        assertNames(e, "offset 2 (type code)", "0x0D (float)");
        assertTrue(e.expected().contains("0x08"), e.expected());
    }

    @Test
    void wrongOrZeroDimensionCount() throws IOException {
        DataFormatException e = malformed(bytes(twoByThreeByThree()), 1);
        assertNames(e, "offset 3 (dimension count)", "3");
        assertEquals("1", e.expected());
        assertNames(malformed(new byte[] {0, 0, 8, 0}, 0), "offset 3 (dimension count)", "0");
    }

    @Test
    void truncatedHeader() {
        assertNames(malformed(new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0}, 0), "offset 4 (dimension sizes)", "6 bytes");
    }

    @Test
    void negativeSize() {
        byte[] b = {0, 0, 8, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertNames(malformed(b, 0), "offset 4 (size of dimension 0)", "4294967295");
    }

    @Test
    void sizesTooLargeForOneArray() {
        byte[] b = {0, 0, 8, 2, 0x7F, 0, 0, 0, 0x7F, 0, 0, 0};
        assertNames(malformed(b, 0), "offset 8 (size of dimension 1)", "product exceeds");
    }

    @Test
    void truncatedData() throws IOException {
        byte[] b = bytes(twoByThreeByThree());
        DataFormatException e = malformed(Arrays.copyOf(b, b.length - 1), 3);
        assertNames(e, "offset 16 (data)", "17 bytes of data");
        assertTrue(e.expected().startsWith("18 bytes"), e.expected());
        assertTrue(e.fix().contains("truncated"), e.fix());
    }

    @Test
    void trailingBytes() throws IOException {
        byte[] b = bytes(twoByThreeByThree());
        DataFormatException e = malformed(Arrays.copyOf(b, b.length + 2), 3);
        assertNames(e, "offset 16 (data)", "20 bytes of data");
        assertTrue(e.fix().contains("trailing"), e.fix());
    }

    @Test
    void corruptGzipNamesTheFile(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes(twoByThreeByThree()));
        }
        byte[] gz = out.toByteArray();
        Path f = dir.resolve("cut.gz");
        Files.write(f, Arrays.copyOf(gz, gz.length / 2));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Idx.read(f));
        assertEquals(f.toString(), e.source());
        assertTrue(e.location().contains("gzip"), e.location());
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Idx.parse(new byte[0], "x", 256));
        assertThrows(IllegalArgumentException.class, () -> new IdxData(new int[0], new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new IdxData(new int[] {-1}, new byte[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new IdxData(new int[] {2, 2}, new byte[3]));
        assertTrue(e.getMessage().contains("holds 4 elements but data has 3 bytes"), e.getMessage());
    }

    // ------------------------------------------------------------------ bounded reading (issue 14)

    @Test
    void aLimitRefusesLargerDeclaredSizesBeforeReadingTheData(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a.idx");
        Idx.write(twoByThreeByThree(), f, true);
        assertEquals(twoByThreeByThree(), Idx.read(f, 3, 18));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Idx.read(f, 3, 17));
        assertEquals("byte offset 12 (size of dimension 2)", e.location());
        assertEquals("sizes [2, 3, 3] whose product exceeds 17", e.found());
        assertTrue(e.expected().contains("the limit given") && e.fix().contains("raise the limit"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Idx.read(f, 3, -1));
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> Idx.read(f, 3, Idx.MAX_BYTES + 1));
        assertTrue(a.getMessage().contains("Idx.MAX_BYTES"), a.getMessage());
    }

    /** Trailing bytes are counted up to 1 MB, then reading stops: a gzip bomb behind a valid header is not read to its end. */
    @Test
    void manyTrailingBytesAreCountedToAMegabyteOnly() throws IOException {
        byte[] b = Arrays.copyOf(bytes(twoByThreeByThree()), 34 + (3 << 20));
        DataFormatException e = malformed(b, 3);
        assertTrue(e.found().startsWith("more than ") && e.found().endsWith(" bytes of data"), e.found());
        long counted = Long.parseLong(e.found().replaceAll("\\D", ""));
        assertTrue(counted > 18 + (1 << 20) && counted < 18 + (2 << 20), e.found());
    }

    /** The trailer's CRC is checked: the data is intact, the file is not. */
    @Test
    void aWrongGzipCrcIsRefused(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes(twoByThreeByThree()));
        }
        byte[] gz = out.toByteArray();
        gz[gz.length - 6] ^= 0x40;
        Path f = Files.write(dir.resolve("crc.gz"), gz);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Idx.read(f));
        assertEquals("gzip stream", e.location());
        assertTrue(e.getCause() instanceof dev.aiaas.core.io.CorruptInputException, String.valueOf(e.getCause()));
        assertThrows(DataFormatException.class, () -> Idx.parse(gz, "crc.gz", 3));
    }
}
