package dev.aiaas.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Damaged and hostile IDX files, plain and gzipped: every truncation of a small valid file,
 * seeded random byte flips, and crafted files (sizes beyond a Java array or the heap, a large
 * declared array with little data, gzip bombs behind a valid header, a CRC that does not match)
 * each read correctly or end in {@link DataFormatException} before memory runs out, never another
 * throwable. Runs in the fuzz JVM (256 MB heap, capped off-heap); {@code -Daiaas.fuzz.scale=N}
 * multiplies the flips.
 */
@Tag("fuzz")
class IdxFuzzTest {

    private static final int SCALE = Integer.getInteger("aiaas.fuzz.scale", 1);

    /** Reads; true when it read, false on a DataFormatException. */
    private static boolean read(byte[] file) {
        try {
            IdxData d = Idx.read(new ByteArrayInputStream(file), "fuzz.idx", Idx.ANY_RANK);
            assertTrue(d.rank() >= 1);
            return true;
        } catch (DataFormatException e) {
            assertTrue(e.getMessage().length() < 2000, e.getMessage());
            return false;
        } catch (Throwable t) {
            fail("a damaged IDX file must end in DataFormatException, not " + t, t);
            return false;
        }
    }

    private static DataFormatException fails(byte[] file) {
        try {
            IdxData d = Idx.read(new ByteArrayInputStream(file), "crafted.idx", Idx.ANY_RANK);
            fail("expected a DataFormatException, read " + d);
            return null;
        } catch (DataFormatException e) {
            return e;
        } catch (Throwable t) {
            fail("expected a DataFormatException, not " + t, t);
            return null;
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            z.write(data);
        }
        return bytes.toByteArray();
    }

    /** A header of rank {@code sizes.length}, then {@code zeros} zero bytes as concatenated gzip members (cheap to make). */
    private static byte[] bomb(int[] sizes, long zeros) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(gzip(header(sizes)));
        byte[] member = gzip(new byte[1 << 20]);
        for (long n = 0; n < zeros; n += 1 << 20) {
            out.write(member);
        }
        return out.toByteArray();
    }

    private static byte[] header(int... sizes) {
        byte[] h = new byte[4 + 4 * sizes.length];
        h[2] = 8;
        h[3] = (byte) sizes.length;
        for (int i = 0; i < sizes.length; i++) {
            h[4 + 4 * i] = (byte) (sizes[i] >>> 24);
            h[5 + 4 * i] = (byte) (sizes[i] >>> 16);
            h[6 + 4 * i] = (byte) (sizes[i] >>> 8);
            h[7 + 4 * i] = (byte) sizes[i];
        }
        return h;
    }

    private static void truncationsAndFlips(byte[] valid, long seed) {
        assertTrue(read(valid));
        for (int n = 0; n < valid.length; n++) {
            assertTrue(!read(Arrays.copyOf(valid, n)), "a truncation to " + n + " bytes must not read");
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 10_000 * SCALE; i++) {
            byte[] b = valid.clone();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
            }
            read(b);
        }
    }

    @Test
    void truncationsAndByteFlipsPlainAndGzipped() throws IOException {
        byte[] data = new byte[3 * 4 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 37);
        }
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        Idx.write(new IdxData(new int[] {3, 4, 4}, data), plain);
        truncationsAndFlips(plain.toByteArray(), 1);
        truncationsAndFlips(gzip(plain.toByteArray()), 2);
    }

    @Test
    void declaredSizesBeyondAnArrayOrTheHeapFailBeforeAllocation() throws IOException {
        DataFormatException e = fails(header(65536, 65536));
        assertEquals("byte offset 8 (size of dimension 1)", e.location());
        assertTrue(e.found().contains("whose product exceeds " + Idx.MAX_BYTES), e.getMessage());
        int[] many = new int[255];
        Arrays.fill(many, 2);
        e = fails(header(many)); // 2^255: the product is checked as it grows (2^31 at dimension 30), so it cannot overflow
        assertEquals("byte offset 124 (size of dimension 30)", e.location());
        e = fails(gzip(header(1000, 1000, 1000))); // 1 GB: within an array, beyond this JVM's 256 MB heap
        assertTrue(e.expected().contains("Java heap") && e.fix().contains("-Xmx"), e.getMessage());
    }

    /** A file that declares 200 MB but holds 10 bytes fails as truncated, having grown its buffer to 1 MB only. */
    @Test
    void aLargeDeclaredArrayWithLittleDataIsTruncated() throws IOException {
        byte[] b = Arrays.copyOf(header(200, 1000, 1000), 16 + 10);
        for (byte[] file : new byte[][] {b, gzip(b)}) {
            DataFormatException e = fails(file);
            assertEquals("10 bytes of data", e.found());
            assertTrue(e.fix().contains("truncated"), e.getMessage());
        }
    }

    /** A valid 28x28 header, then 1 GB of zeros in about 1 MB: stops after counting 1 MB of trailing bytes. */
    @Test
    void aGzipBombBehindAValidHeaderStopsAtItsTrailingBytes() throws IOException {
        byte[] gz = bomb(new int[] {1, 28, 28}, 1L << 30);
        assertTrue(gz.length < 2 << 20, gz.length + " bytes");
        DataFormatException e = fails(gz);
        assertTrue(e.found().startsWith("more than ") && e.fix().contains("trailing"), e.getMessage());
        // declaring 200 MB and holding it: the array grows as the bytes arrive, until the heap cannot hold it
        e = fails(bomb(new int[] {200, 1000, 1000}, 1L << 30));
        if (Runtime.getRuntime().maxMemory() < 300L << 20) { // the fuzz JVM: 128 MB grown to 200 MB does not fit
            assertTrue(e.expected().contains("fits in the Java heap") && e.fix().contains("-Xmx"), e.getMessage());
        } else {
            assertTrue(e.fix().contains("trailing"), e.getMessage());
        }
    }

    @Test
    void aWrongCrcIsDamage() throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        Idx.write(new IdxData(new int[] {2, 2}, new byte[] {1, 2, 3, 4}), plain);
        byte[] gz = gzip(plain.toByteArray());
        gz[gz.length - 8] ^= 1;
        DataFormatException e = fails(gz);
        assertEquals("gzip stream", e.location());
        gz = gzip(plain.toByteArray());
        gz[gz.length - 1] ^= 1; // the length, last of the trailer
        assertEquals("gzip stream", fails(gz).location());
    }
}
