package dev.aiaas.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;

/** What the server tests share: a small model file, an HTTP client, and JSON helpers. */
final class Serving {

    /** The token of the tests' servers. */
    static final String TOKEN = "test-token-0123456789abcdef";
    /** The input width of {@link #mlp}. */
    static final int IN = 8;
    /** The output width of {@link #mlp}. */
    static final int OUT = 3;
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Serving() {
    }

    /** Writes an MLP 8-16-3 (ReLU) into {@code dir} and returns its file. */
    static Path mlp(Path dir) throws IOException {
        Path file = dir.resolve("mlp.aiaas");
        try (Model m = Model.builder(IN).add(Layers.dense(16, Activation.RELU)).add(Layers.dense(OUT)).seed(7).build()) {
            ModelIO.save(m, file, Map.of("trained_on", "nothing (a test model)"));
        }
        return file;
    }

    /** The tiny bigram model of the ARPA tests, written into {@code dir}. */
    static Path arpa(Path dir) throws IOException {
        String text = String.join("\n", "\\data\\", "ngram 1=5", "ngram 2=3", "", "\\1-grams:", "-1.0\t<unk>\t0", "0\t<s>\t-0.5",
                "-0.7\t</s>\t0", "-0.6\ta\t-0.3", "-0.8\tb\t-0.2", "", "\\2-grams:", "-0.1\t<s> a", "-0.2\ta b", "-0.3\tb </s>", "",
                "\\end\\", "");
        return Files.writeString(dir.resolve("tiny.arpa"), text);
    }

    static float[] uniform(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return v;
    }

    /** {@code {"instances": [...]}} of the rows of x. */
    static String instances(float[] x, int width) {
        StringBuilder b = new StringBuilder("{\"instances\": [");
        for (int r = 0; r < x.length / width; r++) {
            b.append(r == 0 ? "[" : ", [");
            for (int c = 0; c < width; c++) {
                b.append(c == 0 ? "" : ", ").append(x[r * width + c]);
            }
            b.append(']');
        }
        return b.append("]}").toString();
    }

    /** The predictions of a response, row after row. */
    static float[] predictions(String body) throws IOException {
        JsonNode rows = MAPPER.readTree(body).get("predictions");
        float[] y = new float[rows.size() * rows.get(0).size()];
        int i = 0;
        for (JsonNode row : rows) {
            for (JsonNode v : row) {
                y[i++] = Float.parseFloat(v.asText());
            }
        }
        return y;
    }

    static URI uri(AiaasServer s, String path) {
        return URI.create("http://127.0.0.1:" + s.port() + path);
    }

    static HttpResponse<String> post(AiaasServer s, String path, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(AiaasServer s, String path, String body) throws IOException, InterruptedException {
        return post(s, path, body, TOKEN);
    }

    static HttpResponse<String> get(AiaasServer s, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, path)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(AiaasServer s, String path) throws IOException, InterruptedException {
        return get(s, path, TOKEN);
    }

    /** The error message of an error response, checking its status and that it is JSON. */
    static String error(HttpResponse<String> r, int status) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode e = MAPPER.readTree(r.body()).get("error");
        return e.asText();
    }
}
