package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aiaas eval}, {@code predict} and {@code lm eval} on malformed and hostile model files
 * (each with a valid CRC, so that the parser meets the fault): exit code 1 and one line naming
 * the file and the fault, never a stack trace, an {@link OutOfMemoryError} or exit 0.
 */
class ModelFileCliTest {

    /** The file's bytes with the trailing CRC-32 recomputed. */
    private static byte[] recrc(byte[] file) {
        byte[] b = file.clone();
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 8);
        ByteBuffer.wrap(b, b.length - 8, 8).putLong(crc.getValue());
        return b;
    }

    /** The file with its header (key=value lines from byte 16, the length at byte 12) rewritten. */
    private static byte[] withHeader(byte[] file, String text) {
        int old = ByteBuffer.wrap(file).getInt(12);
        byte[] h = text.getBytes(StandardCharsets.UTF_8);
        byte[] rest = Arrays.copyOfRange(file, 16 + old, file.length);
        return recrc(ByteBuffer.allocate(16 + h.length + rest.length).put(file, 0, 12).putInt(h.length).put(h).put(rest).array());
    }

    private static LinkedHashMap<String, String> header(byte[] file) {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        for (String line : new String(file, 16, ByteBuffer.wrap(file).getInt(12), StandardCharsets.UTF_8).split("\n")) {
            m.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return m;
    }

    private static String format(Map<String, String> h) {
        StringBuilder sb = new StringBuilder();
        h.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    /** The hostile variants of a model file, by what the error line must say; {@code units} names a layer's width. */
    private static Map<String, byte[]> hostile(byte[] good, String units) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        LinkedHashMap<String, String> h = header(good);
        h.put(units, "5000000"); // the finding: 16.7 GB resident before
        out.put("the layers need", withHeader(good, format(h)));
        h = header(good);
        h.keySet().removeIf(k -> k.startsWith("layer."));
        h.put("layers", "1");
        StringBuilder prefix = new StringBuilder("layer.0.");
        for (int d = 0; d < 2_000; d++) { // the finding: a StackOverflowError with a 1,025-line trace before
            h.put(prefix + "type", "time_distributed");
            prefix.append("layer.");
        }
        h.put(prefix + "type", "relu");
        out.put("nested 33 deep", withHeader(good, format(h)));
        out.put("repeats the key", withHeader(good, format(header(good)) + "seed=1\n"));
        byte[] nan = good.clone(); // the finding: NaN weights loaded, 'test loss: NaN', exit 0
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(16 + ByteBuffer.wrap(good).getInt(12) + 4 + 1 + 8 + 4 * 5, Float.NaN);
        out.put("parameters must be finite", recrc(nan));
        return out;
    }

    private static void oneLine(CliTest.Result r, String... parts) {
        assertEquals(1, r.code(), r.out() + r.err());
        List<String> lines = r.err().strip().lines().toList();
        assertEquals(1, lines.size(), "one line: " + r.err());
        assertTrue(lines.get(0).startsWith("aiaas: error: "), r.err());
        for (String p : parts) {
            assertTrue(lines.get(0).contains(p), "'" + p + "' in: " + r.err());
        }
    }

    @Test
    void evalAndPredictOnHostileModelFilesExitOneWithOneLine(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.aiaas");
        try (Model m = Model.builder(784).add(Layers.dense(16, Activation.RELU)).add(Layers.dense(10)).seed(1).build()) {
            ModelIO.save(m, good);
        }
        Path pixels = Files.writeString(dir.resolve("pixels.csv"), String.join(",", java.util.Collections.nCopies(784, "0")) + "\n");
        assertEquals(0, CliTest.run("predict", "--model", good.toString(), "--input", pixels.toString()).code());
        for (Map.Entry<String, byte[]> e : hostile(Files.readAllBytes(good), "layer.0.units").entrySet()) {
            Path bad = Files.write(dir.resolve("bad.aiaas"), e.getValue());
            oneLine(CliTest.run("eval", "--model", bad.toString()), "cannot load", "bad.aiaas", e.getKey());
            oneLine(CliTest.run("predict", "--model", bad.toString(), "--input", pixels.toString()), "cannot load", e.getKey());
        }
    }

    @Test
    void lmEvalOnAHostileLstmFileExitsOneWithOneLine(@TempDir Path dir) throws Exception {
        Path train = Files.writeString(dir.resolve("train.txt"), "the cat sat\nthe dog sat\nthe cat ran\n".repeat(4));
        Path good = dir.resolve("lm.aiaas");
        CliTest.Result t = CliTest.run("lm", "train", "--input", train.toString(), "--out", good.toString(), "--epochs", "1",
                "--embedding", "4", "--hidden", "4", "--seq-len", "6", "--overlap", "2", "--batch-size", "4", "--min-count", "1");
        assertEquals(0, t.code(), t.err());
        for (Map.Entry<String, byte[]> e : hostile(Files.readAllBytes(good), "layer.1.units").entrySet()) {
            Path bad = Files.write(dir.resolve("bad.aiaas"), e.getValue());
            oneLine(CliTest.run("lm", "eval", "--model", bad.toString(), "--input", train.toString()), "bad.aiaas", e.getKey());
        }
        LinkedHashMap<String, String> h = header(Files.readAllBytes(good));
        h.put("provenance.lm.hidden_size", "2147483647");
        Path bad = Files.write(dir.resolve("bad.aiaas"), withHeader(Files.readAllBytes(good), format(h)));
        oneLine(CliTest.run("lm", "eval", "--model", bad.toString(), "--input", train.toString()), "its entries describe");
    }
}
