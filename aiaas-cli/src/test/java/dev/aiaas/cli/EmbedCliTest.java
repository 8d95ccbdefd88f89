package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aiaas embed} on the real all-MiniLM-L6-v2 (test dependency): vectors, similarities and every failure. */
class EmbedCliTest {

    @TempDir
    static Path dir;

    static Path model;
    static Path tokenizer;

    @BeforeAll
    static void extract() throws Exception {
        model = copy("all-minilm-l6-v2.onnx");
        tokenizer = copy("all-minilm-l6-v2-tokenizer.json");
    }

    private static Path copy(String resource) throws Exception {
        Path p = dir.resolve(resource);
        try (InputStream in = EmbedCliTest.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void aParaphraseIsCloserThanAnUnrelatedSentence() {
        CliTest.Result r = CliTest.run("embed", "--model", model.toString(), "--tokenizer", tokenizer.toString(), "--similarity",
                "A man is playing a guitar.", "Someone plays the guitar.", "The stock market fell sharply today.");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals("sentence,s1,s2,s3", lines.get(0));
        String[] row1 = lines.get(1).split(",");
        assertEquals(1.0, Double.parseDouble(row1[1]), 1e-3, "a sentence against itself");
        double paraphrase = Double.parseDouble(row1[2]);
        double unrelated = Double.parseDouble(row1[3]);
        assertTrue(paraphrase > 0.6 && unrelated < 0.2 && paraphrase > unrelated + 0.4, lines.get(1));
    }

    @Test
    void vectorsFromAFileAreUnitLengthRowsOf384Values() throws Exception {
        Path in = dir.resolve("sentences.txt");
        Files.writeString(in, "Call me Ishmael.\nThe whale breached.\n");
        Path out = dir.resolve("emb.csv");
        CliTest.Result r = CliTest.run("embed", "--model", model.toString(), "--tokenizer", tokenizer.toString(), "--input",
                in.toString(), "--out", out.toString(), "--batch-size", "1");
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(3, lines.size());
        for (String line : lines.subList(1, 3)) {
            String[] cells = line.split(",");
            assertEquals(385, cells.length);
            double norm = 0;
            for (int c = 1; c < cells.length; c++) {
                norm += Math.pow(Double.parseDouble(cells[c]), 2);
            }
            assertEquals(1.0, norm, 1e-4);
        }
    }

    @Test
    void badInputsFailOnOneLine() throws Exception {
        TableCliTest.usageError(CliTest.run("embed", "--model", model.toString(), "--tokenizer", tokenizer.toString()), "no sentences");
        TableCliTest.usageError(CliTest.run("embed", "--model", model.toString(), "--tokenizer", tokenizer.toString(),
                "--max-tokens", "100000", "hi"), "--max-tokens");
        Path notOnnx = dir.resolve("not.onnx");
        Files.writeString(notOnnx, "hello");
        TableCliTest.failure(CliTest.run("embed", "--model", notOnnx.toString(), "--tokenizer", tokenizer.toString(), "hi"),
                "cannot import");
        Path badJson = dir.resolve("bad.json");
        Files.writeString(badJson, "{\"model\": ");
        TableCliTest.failure(CliTest.run("embed", "--model", model.toString(), "--tokenizer", badJson.toString(), "hi"),
                "cannot read");
    }
}
