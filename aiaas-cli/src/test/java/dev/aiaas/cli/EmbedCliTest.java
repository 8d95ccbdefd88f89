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
    void vectorsFromAFileAreOneLineOf384SpaceSeparatedValuesPerSentence() throws Exception {
        Path in = dir.resolve("sentences.txt");
        Files.writeString(in, "Call me Ishmael.\nThe whale   breached.\n");
        Path out = dir.resolve("emb.txt");
        // no --tokenizer: all-minilm-l6-v2-tokenizer.json lies beside the model
        CliTest.Result r = CliTest.run("embed", "--model", model.toString(), "--input", in.toString(), "--output", out.toString(),
                "--batch-size", "1");
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size());
        double[][] v = new double[2][];
        for (int i = 0; i < 2; i++) {
            v[i] = java.util.Arrays.stream(lines.get(i).split(" ", -1)).mapToDouble(Double::parseDouble).toArray();
            assertEquals(384, v[i].length);
            assertEquals(1.0, dot(v[i], v[i]), 1e-4);
        }
        // the same sentence given as an argument: the same vector (white space normalised by the tokenizer)
        CliTest.Result again = CliTest.run("embed", "--model", model.toString(), "The whale breached.");
        assertEquals(0, again.code(), again.err());
        double[] w = java.util.Arrays.stream(again.out().strip().split(" ")).mapToDouble(Double::parseDouble).toArray();
        assertEquals(1.0, dot(v[1], w), 1e-5);
    }

    @Test
    void clsPoolingWithoutNormalisationGivesOtherLongerVectors() {
        CliTest.Result mean = CliTest.run("embed", "--model", model.toString(), "Call me Ishmael.");
        CliTest.Result cls = CliTest.run("embed", "--model", model.toString(), "--pooling", "cls", "--no-normalize",
                "Call me Ishmael.");
        assertEquals(0, cls.code(), cls.err());
        double[] m = java.util.Arrays.stream(mean.out().strip().split(" ")).mapToDouble(Double::parseDouble).toArray();
        double[] c = java.util.Arrays.stream(cls.out().strip().split(" ")).mapToDouble(Double::parseDouble).toArray();
        assertEquals(384, c.length);
        double norm = Math.sqrt(dot(c, c));
        assertTrue(Math.abs(norm - 1) > 0.1, "an unnormalised [CLS] state: norm " + norm);
        assertTrue(dot(m, c) / norm < 0.999, "[CLS] differs from the mean");
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
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
        TableCliTest.usageError(CliTest.run("embed", "--model", model.toString(), "--pooling", "max", "hi"), "--pooling");
        Path alone = dir.resolve("alone");
        Files.createDirectories(alone);
        Path lonely = Files.copy(model, alone.resolve("lonely.onnx"));
        TableCliTest.usageError(CliTest.run("embed", "--model", lonely.toString(), "hi"), "no tokenizer");
    }
}
