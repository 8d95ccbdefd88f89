package dev.aiaas.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.nlp.text.Encoding;
import dev.aiaas.nlp.text.HfTokenizer;
import dev.aiaas.nlp.text.HfTokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Embedder} on all-MiniLM-L6-v2 with its own tokenizer.json: its vectors are the encoder's
 * on the tokenizer's ids (mean or CLS pooling, normalised or not), do not depend on the batch a
 * sentence lands in or on the calling thread, and bad options, files and inputs are refused by name.
 */
class EmbedderTest {

    static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    static final List<String> SENTENCES = List.of("A man is playing a guitar.", "Someone plays the guitar.",
            "The stock market fell sharply today.", "Call me Ishmael.", "", "Écoute: naïve café, déjà vu!");

    @TempDir
    static Path dir;
    static Path model;
    static Path tokenizerFile;
    static HfTokenizer tokenizer;
    static TransformerEncoder encoder;

    @BeforeAll
    static void files() throws IOException {
        Backends.current();
        model = dir.resolve("all-minilm-l6-v2.onnx");
        Files.write(model, MiniLm.bytes());
        tokenizerFile = dir.resolve(TOKENIZER);
        try (InputStream in = EmbedderTest.class.getClassLoader().getResourceAsStream(TOKENIZER)) {
            Files.write(tokenizerFile, in.readAllBytes());
        }
        tokenizer = HfTokenizers.load(tokenizerFile);
        encoder = OnnxImport.encoder(model);
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    private static int[][][] tokens(List<String> sentences) {
        int n = sentences.size();
        int[][][] r = new int[3][n][];
        for (int i = 0; i < n; i++) {
            Encoding e = tokenizer.encode(sentences.get(i));
            r[0][i] = e.ids();
            r[1][i] = e.attentionMask();
            r[2][i] = e.typeIds();
        }
        return r;
    }

    @Test
    void defaultsAreMeanPooledUnitVectorsOfTheEncoderOnTheTokenizersIds() throws IOException {
        int[][][] t = tokens(SENTENCES);
        float[][] expected = encoder.embed(t[0], t[1], t[2]);
        try (Embedder e = Embedder.load(model, tokenizerFile, EmbedderOptions.defaults())) {
            assertEquals(384, e.dimension());
            float[][] v = e.embed(SENTENCES);
            assertEquals(SENTENCES.size(), v.length);
            for (int i = 0; i < v.length; i++) {
                assertArrayEquals(expected[i], v[i], 1e-6f, SENTENCES.get(i));
                assertEquals(1.0, Embedder.dot(v[i], v[i]), 1e-5);
            }
            assertArrayEquals(v[3], e.embed(SENTENCES.get(3)), 1e-6f);
            assertTrue(Embedder.dot(v[0], v[1]) > Embedder.dot(v[0], v[2]) + 0.2, "a paraphrase is nearer than an unrelated sentence");
        }
    }

    @Test
    void clsPoolingIsTheFirstStateAndNoNormalizeKeepsTheLength() {
        int[][][] t = tokens(SENTENCES);
        float[][][] h = encoder.hiddenStates(t[0], t[1], t[2]);
        try (Embedder e = Embedder.of(OnnxImport.encoder(MiniLm.bytes(), MiniLm.RESOURCE), tokenizer,
                EmbedderOptions.defaults().withPooling(Pooling.CLS).withNormalize(false))) {
            float[][] v = e.embed(SENTENCES);
            for (int i = 0; i < v.length; i++) {
                assertArrayEquals(h[i][0], v[i], 1e-5f, SENTENCES.get(i));
            }
            assertTrue(Math.abs(Embedder.dot(v[0], v[0]) - 1) > 0.1, "an unnormalised [CLS] state is not a unit vector");
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
        try (Embedder e = Embedder.of(OnnxImport.encoder(MiniLm.bytes(), MiniLm.RESOURCE), tokenizer,
                EmbedderOptions.defaults().withNormalize(false))) {
            float[] v = e.embed(SENTENCES.get(0));
            float[] mean = new float[384]; // over the sentence's tokens (the tokenizer file pads to 128)
            int count = Arrays.stream(t[1][0]).sum();
            for (int s = 0; s < h[0].length; s++) {
                for (int c = 0; c < 384 && t[1][0][s] == 1; c++) {
                    mean[c] += h[0][s][c] / count;
                }
            }
            assertArrayEquals(mean, v, 1e-4f);
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void aSentencesVectorDoesNotDependOnItsBatchOrThread() throws Exception {
        try (Embedder one = Embedder.load(model, tokenizerFile, EmbedderOptions.defaults().withBatchSize(1));
             Embedder all = Embedder.load(model, tokenizerFile, EmbedderOptions.defaults().withBatchSize(4))) {
            float[][] a = one.embed(SENTENCES);
            float[][] b = all.embed(SENTENCES);
            for (int i = 0; i < a.length; i++) {
                assertArrayEquals(a[i], b[i], 1e-5f, SENTENCES.get(i));
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[][]>> f = new ArrayList<>();
                for (int k = 0; k < 8; k++) {
                    List<String> rotated = new ArrayList<>(SENTENCES);
                    java.util.Collections.rotate(rotated, k);
                    f.add(pool.submit(() -> all.embed(rotated)));
                }
                for (int k = 0; k < 8; k++) {
                    float[][] v = f.get(k).get();
                    for (int i = 0; i < v.length; i++) {
                        assertArrayEquals(b[Math.floorMod(i - k, SENTENCES.size())], v[i], 1e-5f);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void longSentencesAreTruncatedToMaxTokens() throws IOException {
        String longer = String.join(" ", java.util.Collections.nCopies(400, "whale"));
        String cut = String.join(" ", java.util.Collections.nCopies(14, "whale"));
        try (Embedder e = Embedder.load(model, tokenizerFile, EmbedderOptions.defaults().withMaxTokens(16))) {
            assertArrayEquals(e.embed(cut), e.embed(longer), 1e-5f, "16 tokens: [CLS], 14 words, [SEP]");
        }
    }

    @Test
    void theTokenizerBesideAModelIsFoundByItsUsualNames(@TempDir Path d) throws IOException {
        Path m = d.resolve("enc.onnx");
        assertEquals(Optional.empty(), Embedder.tokenizerBeside(m));
        Files.writeString(d.resolve("tokenizer.json"), "{}");
        assertEquals(Optional.of(d.resolve("tokenizer.json").toAbsolutePath()), Embedder.tokenizerBeside(m));
        Files.writeString(d.resolve("enc-tokenizer.json"), "{}");
        assertEquals(Optional.of(d.resolve("enc-tokenizer.json").toAbsolutePath()), Embedder.tokenizerBeside(m));
    }

    @Test
    void badOptionsAndInputsAreRefusedByName() throws IOException {
        IllegalArgumentException tokens = assertThrows(IllegalArgumentException.class,
                () -> new EmbedderOptions(Pooling.MEAN, true, 1, 32));
        assertTrue(tokens.getMessage().contains("maxTokens is 1"), tokens.getMessage());
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> EmbedderOptions.defaults().withBatchSize(5000));
        assertTrue(batch.getMessage().contains("batchSize is 5000"), batch.getMessage());
        assertThrows(NullPointerException.class, () -> new EmbedderOptions(null, true, 256, 32));
        IllegalArgumentException pooling = assertThrows(IllegalArgumentException.class, () -> Pooling.parse("max"));
        assertTrue(pooling.getMessage().contains("\"max\"") && pooling.getMessage().contains("mean or cls"), pooling.getMessage());
        assertEquals(Pooling.CLS, Pooling.parse(" CLS "));

        IllegalArgumentException positions = assertThrows(IllegalArgumentException.class,
                () -> Embedder.load(model, tokenizerFile, EmbedderOptions.defaults().withMaxTokens(1000)));
        assertTrue(positions.getMessage().contains("maxTokens is 1000") && positions.getMessage().contains("512 positions"),
                positions.getMessage());

        // a tokenizer with more ids than the model's 30,522 word embeddings: another model's
        StringBuilder vocab = new StringBuilder("{\"[UNK]\": 0");
        for (int i = 1; i < 40_000; i++) {
            vocab.append(", \"w").append(i).append("\": ").append(i);
        }
        Path wide = dir.resolve("wide-tokenizer.json");
        Files.writeString(wide, "{\"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"continuing_subword_prefix\": \"##\", "
                + "\"max_input_chars_per_word\": 100, \"vocab\": " + vocab + "}}}");
        IllegalArgumentException misfit = assertThrows(IllegalArgumentException.class,
                () -> Embedder.load(model, wide, EmbedderOptions.defaults()));
        assertTrue(misfit.getMessage().contains("40000 ids") && misfit.getMessage().contains("30522"), misfit.getMessage());

        Path broken = dir.resolve("broken.onnx");
        Files.write(broken, Arrays.copyOf(MiniLm.bytes(), 1000));
        assertThrows(OnnxImportException.class, () -> Embedder.load(broken, tokenizerFile, EmbedderOptions.defaults()));

        Embedder e = Embedder.load(model, tokenizerFile, EmbedderOptions.defaults());
        List<String> withNull = Arrays.asList("fine", null);
        NullPointerException npe = assertThrows(NullPointerException.class, () -> e.embed(withNull));
        assertTrue(npe.getMessage().contains("sentence 1 is null"), npe.getMessage());
        e.close();
        assertThrows(IllegalStateException.class, () -> e.embed("after close"));
    }
}
