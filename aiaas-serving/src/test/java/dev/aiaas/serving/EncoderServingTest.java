package dev.aiaas.serving;

import static dev.aiaas.serving.Serving.MAPPER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aiaas.onnx.Embedder;
import dev.aiaas.onnx.EmbedderOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sentence encoder served with {@code :embed} and {@code :predict}: all-MiniLM-L6-v2 (test
 * dependency) with its tokenizer.json beside it; the vectors are {@link Embedder}'s, and bad
 * requests and a missing tokenizer are refused by name.
 */
class EncoderServingTest {

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void files() throws IOException {
        model = copy("all-minilm-l6-v2.onnx", dir);
        copy("all-minilm-l6-v2-tokenizer.json", dir);
    }

    private static Path copy(String resource, Path to) throws IOException {
        Path p = to.resolve(resource);
        try (InputStream in = EncoderServingTest.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, p);
        }
        return p;
    }

    private static float[] row(JsonNode r) {
        float[] v = new float[r.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.get(i).floatValue();
        }
        return v;
    }

    @Test
    void embedAndPredictAnswerTheEmbeddersVectors() throws Exception {
        List<String> sentences = List.of("A man is playing a guitar.", "Someone plays the guitar.", "Stocks fell sharply.");
        float[][] expected;
        try (Embedder e = Embedder.load(model, dir.resolve("all-minilm-l6-v2-tokenizer.json"), EmbedderOptions.defaults())) {
            expected = e.embed(sentences);
        }
        try (AiaasServer server = AiaasServer.start(ServerConfig.builder().model("minilm", model).noAuth().port(0).build())) {
            HttpResponse<String> r = Serving.post(server, "/v1/models/minilm:embed",
                    "{\"sentences\": [\"A man is playing a guitar.\", \"Someone plays the guitar.\", \"Stocks fell sharply.\"]}", null);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode emb = MAPPER.readTree(r.body()).get("embeddings");
            assertEquals(3, emb.size());
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(expected[i], row(emb.get(i)), 1e-6f, sentences.get(i)); // through JSON text and a double
            }
            HttpResponse<String> p = Serving.post(server, "/v1/models/minilm:predict", "{\"instances\": [\"Stocks fell sharply.\"]}", null);
            assertEquals(200, p.statusCode(), p.body());
            assertArrayEquals(expected[2], row(MAPPER.readTree(p.body()).get("predictions").get(0)), 1e-5f); // alone, not in a batch

            JsonNode md = MAPPER.readTree(Serving.get(server, "/v1/models/minilm/metadata", null).body()).get("metadata");
            assertEquals("encoder", md.get("kind").asText());
            assertTrue(md.toString().contains("384") && md.toString().contains("\"pooling\":\"mean\""), md.toString());
            String metrics = Serving.get(server, "/metrics", null).body();
            assertTrue(metrics.contains("route=\"embed\""), "the :embed route has its own metric series");

            assertTrue(Serving.error(Serving.post(server, "/v1/models/minilm:embed", "{\"sentences\": [\"ok\", 3]}", null), 400)
                    .contains("sentence 1 is the number 3; expected a string"));
            assertTrue(Serving.error(Serving.post(server, "/v1/models/minilm:embed", "{\"sentences\": []}", null), 400)
                    .contains("no sentences"));
            assertTrue(Serving.error(Serving.post(server, "/v1/models/minilm:embed", "{\"instances\": [\"a\"]}", null), 400)
                    .contains("unknown field \"instances\""));
            assertTrue(Serving.error(Serving.post(server, "/v1/models/minilm:score", "{\"sentences\": [\"a\"]}", null), 404)
                    .contains(":embed, :predict"));
        }
    }

    @Test
    void anEncoderWithoutItsTokenizerIsRefusedAtStart(@TempDir Path alone) throws Exception {
        Path lonely = Files.copy(model, alone.resolve("lonely.onnx"));
        IOException e = assertThrows(IOException.class,
                () -> AiaasServer.start(ServerConfig.builder().model("m", lonely).noAuth().port(0).build()).close());
        assertTrue(String.valueOf(e.getMessage()).contains("lonely-tokenizer.json"), e.getMessage());
    }
}
