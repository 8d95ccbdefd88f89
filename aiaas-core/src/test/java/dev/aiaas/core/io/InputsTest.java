package dev.aiaas.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputsTest {

    @TempDir
    Path dir;

    @Test
    void plainAndGzippedFilesReadTheSameBytes() throws IOException {
        byte[] text = "one\ntwo\n".getBytes(StandardCharsets.UTF_8);
        Path plain = Files.write(dir.resolve("a.txt"), text);
        Path gz = Files.write(dir.resolve("b.bin"), gzip(text)); // detected from the content, not the name
        try (InputStream a = Inputs.open(plain, Inputs.UNLIMITED, "-"); InputStream b = Inputs.open(gz, Inputs.UNLIMITED, "-")) {
            assertArrayEquals(text, a.readAllBytes());
            assertArrayEquals(text, b.readAllBytes());
        }
    }

    @Test
    void moreDecompressedBytesThanTheLimitIsAnInputLimitException() throws IOException {
        Path bomb = Files.write(dir.resolve("bomb.gz"), gzip(new byte[1 << 20]));
        assertTrue(Files.size(bomb) < 2000, "a megabyte of zeros compresses to a few hundred bytes");
        try (InputStream in = Inputs.open(bomb, 1000, "raise --max-bytes")) {
            InputLimitException e = assertThrows(InputLimitException.class, in::readAllBytes);
            assertEquals(1000, e.limit());
            assertTrue(e.getMessage().contains("bomb.gz") && e.getMessage().contains("limit of 1000")
                    && e.getMessage().contains("raise --max-bytes"), e.getMessage());
        }
        try (InputStream in = Inputs.open(bomb, 1 << 20, "-")) {
            assertEquals(1 << 20, in.readAllBytes().length, "exactly the limit is allowed");
        }
    }

    @Test
    void anUnlimitedStreamReadsInBlocksNotByteByByte() throws IOException {
        // the room left plus one overflowed for UNLIMITED: every read asked for one byte
        byte[] data = new byte[4096];
        try (InputStream in = Inputs.decode(new java.io.ByteArrayInputStream(data), "x", Inputs.UNLIMITED, "-")) {
            assertEquals(data.length, in.read(new byte[data.length], 0, data.length));
            assertEquals(-1, in.read());
        }
    }

    @Test
    void aDamagedTrailerIsFoundWhenTheStreamIsReadToItsEnd() throws IOException {
        byte[] gz = gzip("hello\n".getBytes(StandardCharsets.UTF_8));
        gz[gz.length - 8] ^= 1; // the CRC-32
        Path file = Files.write(dir.resolve("crc.gz"), gz);
        try (InputStream in = Inputs.open(file, Inputs.UNLIMITED, "-")) {
            CorruptInputException e = assertThrows(CorruptInputException.class, in::readAllBytes);
            assertTrue(e.getMessage().contains("crc.gz"), e.getMessage());
        }
        byte[] truncated = java.util.Arrays.copyOf(gzip(new byte[5000]), 20);
        Path cut = Files.write(dir.resolve("cut.gz"), truncated);
        try (InputStream in = Inputs.open(cut, Inputs.UNLIMITED, "-")) {
            assertThrows(CorruptInputException.class, in::readAllBytes);
        }
        Path header = Files.write(dir.resolve("header.gz"), new byte[] {0x1f, (byte) 0x8b, 9, 9});
        assertThrows(CorruptInputException.class, () -> Inputs.open(header, Inputs.UNLIMITED, "-").close());
    }

    @Test
    void linesEndAtNewlinesAndDropACarriageReturnBeforeIt() throws IOException {
        assertEquals(List.of("a", "b", "", "c"), lines("a\r\nb\n\nc", 10));
        assertEquals(List.of("a", "b"), lines("a\nb\n", 10));
        assertEquals(List.of(), lines("", 10));
        assertEquals(List.of("x\ry"), lines("x\ry\n", 10), "a lone CR is part of the line");
        assertEquals(List.of("abc"), lines("abc\r\n", 3), "a CR before the newline does not count");
    }

    @Test
    void aLineLongerThanTheLimitIsRefusedWithItsNumber() throws IOException {
        StringBuilder s = new StringBuilder("ok\nfine\n");
        s.append("x".repeat(200_000)).append('\n');
        try (LineReader r = new LineReader(new StringReader(s.toString()), "big.txt", 1000, "split the line")) {
            assertEquals("ok", r.readLine());
            assertEquals("fine", r.readLine());
            assertEquals(2, r.lineNumber());
            InputLimitException e = assertThrows(InputLimitException.class, r::readLine);
            assertTrue(e.getMessage().startsWith("big.txt: line 3 (longer than 1000 characters) exceeds the limit of 1000"),
                    e.getMessage());
        }
        assertThrows(InputLimitException.class, () -> lines("abcd", 3), "a last line without a newline is checked too");
        assertEquals(List.of("abc"), lines("abc", 3));
    }

    @Test
    void linesReadsAGzippedFileWithBothLimits() throws IOException {
        Path file = Files.write(dir.resolve("t.gz"), gzip("α β\nγ\n".getBytes(StandardCharsets.UTF_8)));
        try (LineReader r = Inputs.lines(file, Inputs.UNLIMITED, 10, "-")) {
            assertEquals("α β", r.readLine());
            assertEquals("γ", r.readLine());
            assertNull(r.readLine());
        }
    }

    @Test
    void excerptsQuoteAtMostAHundredCharacters() {
        assertEquals("'abc'", Inputs.excerpt("abc"));
        String cut = Inputs.excerpt("y".repeat(52_428_800));
        assertEquals("'" + "y".repeat(100) + "...' (52428800 characters)", cut);
        assertEquals("null", Inputs.excerpt(null));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LineReader(new StringReader(""), "s", 0, "-"));
        assertThrows(IllegalArgumentException.class,
                () -> Inputs.decode(InputStream.nullInputStream(), "s", -1, "-"));
    }

    private static List<String> lines(String text, int max) throws IOException {
        List<String> out = new ArrayList<>();
        try (LineReader r = new LineReader(new StringReader(text), "s", max, "-")) {
            for (String l; (l = r.readLine()) != null; ) {
                out.add(l);
            }
        }
        return out;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            z.write(data);
        }
        return bytes.toByteArray();
    }
}
