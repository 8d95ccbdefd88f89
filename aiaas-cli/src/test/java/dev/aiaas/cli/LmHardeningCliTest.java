package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.cli.CliTest.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code aiaas lm} commands on bad files and out-of-range numbers: a bad file is exit 1 with
 * one line ({@code aiaas: error: ...}) naming the file, the line and the fix; a bad number is
 * exit 2 naming the option and its range; no stack trace.
 */
class LmHardeningCliTest {

    private static final String TINY = "the cat sat\nthe dog sat\nthe cat ran\n";

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static void assertOneErrorLine(Result r, String... contains) {
        assertEquals(1, r.code(), r.err());
        List<String> err = r.err().lines().toList();
        assertEquals(1, err.size(), r.err());
        assertTrue(err.get(0).startsWith("aiaas: error: "), r.err());
        for (String c : contains) {
            assertTrue(err.get(0).contains(c), "expected '" + c + "' in: " + r.err());
        }
    }

    private static void assertUsageError(Result r, String... contains) {
        assertEquals(2, r.code(), r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("aiaas: "), r.err());
        for (String c : contains) {
            assertTrue(first.contains(c), "expected '" + c + "' in: " + r.err());
        }
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    private Path arpa() throws IOException {
        Path train = write("tiny.txt", TINY);
        Path arpa = dir.resolve("tiny.arpa");
        assertEquals(0, CliTest.run("lm", "build", "--order", "2", "--smoothing", "wb", "--input", train.toString(),
                "--out", arpa.toString()).code());
        return arpa;
    }

    private Result eval(Path model) throws IOException {
        return CliTest.run("lm", "eval", "--model", model.toString(), "--input", write("test.txt", TINY).toString());
    }

    // ------------------------------------------------------------------ bad files: exit 1, one line

    @Test
    void aHugeDeclaredCountIsOneLineNotAnOutOfMemoryError() throws IOException {
        Path bad = write("huge.arpa", "\\data\\\nngram 1=2000000000\n\n\\1-grams:\n-1\t<s>\n-1\t</s>\n\n\\end\\\n");
        assertOneErrorLine(eval(bad), "huge.arpa line 2", "need at least 6000000000 bytes", "Fix: ");
        Result s = CliTest.run("lm", "sample", "--model", bad.toString(), "--count", "1");
        assertOneErrorLine(s, "huge.arpa line 2");
    }

    @Test
    void positiveOrOddLog10ValuesAreOneLine() throws IOException {
        String good = Files.readString(arpa());
        String positive = good.replaceFirst("\n-[0-9.]+\t", "\n0.5\t");
        assertOneErrorLine(eval(write("pos.arpa", positive)), "pos.arpa line", "positive log10 probability '0.5'");
        String hex = good.replaceFirst("\n-[0-9.]+\t", "\n0x1p3\t");
        assertOneErrorLine(eval(write("hex.arpa", hex)), "hex.arpa line", "'0x1p3' is not a decimal number");
    }

    @Test
    void aDamagedGzipTrailerAndTextAfterTheEndAreOneLine() throws IOException {
        byte[] text = Files.readAllBytes(arpa());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            z.write(text);
        }
        byte[] gz = bytes.toByteArray();
        gz[gz.length - 6] ^= 0x10; // inside the CRC-32; the data end at \end\ as before
        Path bad = Files.write(dir.resolve("crc.arpa.gz"), gz);
        assertOneErrorLine(eval(bad), "crc.arpa.gz line", "a damaged gzip stream", "Corrupt GZIP trailer");
        Path joined = write("joined.arpa", new String(text, StandardCharsets.UTF_8).repeat(2));
        assertOneErrorLine(eval(joined), "joined.arpa line", "text after \\end\\", "two files were not joined");
    }

    @Test
    void aCorpusLineOrSizeBeyondTheLimitIsOneLineNamingTheOption() throws IOException {
        Path corpus = write("long.txt", "a b c\n" + "word ".repeat(40) + "\n");
        Result r = CliTest.run("lm", "build", "--order", "2", "--smoothing", "wb", "--input", corpus.toString(),
                "--out", dir.resolve("x.arpa").toString(), "--max-line-chars", "100");
        assertOneErrorLine(r, "cannot read " + corpus + ": line 2 (longer than 100 characters)", "--max-line-chars");
        assertFalse(Files.exists(dir.resolve("x.arpa")));
        assertEquals(0, CliTest.run("lm", "build", "--order", "2", "--smoothing", "wb", "--input", corpus.toString(),
                "--out", dir.resolve("x.arpa").toString(), "--max-line-chars", "200").code());

        Path big = write("big.txt", "the cat sat\n".repeat(100_000)); // 1.1 MiB
        r = CliTest.run("lm", "eval", "--model", dir.resolve("x.arpa").toString(), "--input", big.toString(),
                "--max-input-mib", "1");
        assertOneErrorLine(r, "cannot read " + big, "more than 1048576 bytes", "--max-input-mib");
    }

    @Test
    void aBadTokenizerFileBesideTheModelIsOneLine() throws IOException {
        Path arpa = arpa();
        Files.write(dir.resolve("tiny.arpa.tokenizer"), new byte[] {'a', 'i', 'a', 'a', 's', '-', 't', 'o', 'k', 'e', 'n',
            'i', 'z', 'e', 'r', ' ', '1', '\n', 'w', (byte) 0xff, 'r', 'd', '\n'});
        assertOneErrorLine(eval(arpa), "cannot read the tokenizer file", "line 2", "not valid UTF-8");
    }

    // ------------------------------------------------------------------ bad numbers: exit 2, naming the option

    @Test
    void anOrderAboveTheMaximumIsBadUsageBeforeTheCorpusIsRead() throws IOException {
        // the finding: 'lm build --order 100000' grew to 4.3 GB before a clean error
        Path train = write("tiny.txt", TINY);
        Result r = CliTest.run("lm", "build", "--order", "100000", "--input", train.toString(), "--out",
                dir.resolve("x.arpa").toString());
        assertUsageError(r, "--order", "1..16", "order=100000");
        assertEquals("", r.out(), "nothing read");
        assertTrue(CliTest.run("lm", "build", "--help").out().contains("1..16"));
    }

    @Test
    void sampleAndBpeNumbersAreBounded() throws IOException {
        Path arpa = arpa();
        assertUsageError(CliTest.run("lm", "sample", "--model", arpa.toString(), "--count", "10000001"),
                "--count must be in 1..10000000, got 10000001");
        assertUsageError(CliTest.run("lm", "sample", "--model", arpa.toString(), "--count", "1", "--max-tokens", "1000001"),
                "--max-tokens must be in 1..1000000, got 1000001");
        assertUsageError(CliTest.run("lm", "build", "--order", "2", "--tokenizer", "bpe", "--bpe-merges", "2000000000",
                "--input", write("t.txt", TINY).toString(), "--out", dir.resolve("b.arpa").toString()),
                "--bpe-merges must be in 0..1000000, got 2000000000");
    }

    @Test
    void lmTrainSizesAreBoundedNamingTheOption() throws IOException {
        Path train = write("tiny.txt", TINY);
        String[][] cases = {
            {"--hidden", "100000", "--hidden must be in 1..8192, got 100000"},
            {"--embedding", "0", "--embedding must be in 1..8192, got 0"},
            {"--epochs", "1000000", "--epochs must be in 1..100000"},
            {"--batch-size", "100000", "--batch-size must be in 1..65536"},
            {"--batch", "0", "--batch must be in 1..65536, got 0"},
            {"--seq-len", "1", "--seq-len must be in 2..8192, got 1"},
            {"--max-line-chars", "0", "--max-line-chars must be in 1..2147483647, got 0"},
            {"--max-input-mib", "0", "--max-input-mib must be in 1.."},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("lm", "train", "--input", train.toString(), "--out",
                    dir.resolve("m.aiaas").toString(), c[0], c[1]));
            assertUsageError(CliTest.run(args.toArray(new String[0])), c[2]);
        }
        assertFalse(Files.exists(dir.resolve("m.aiaas")));
    }
}
