package dev.aiaas.serving;

import static dev.aiaas.serving.Serving.IN;
import static dev.aiaas.serving.Serving.MAPPER;
import static dev.aiaas.serving.Serving.OUT;
import static dev.aiaas.serving.Serving.error;
import static dev.aiaas.serving.Serving.get;
import static dev.aiaas.serving.Serving.post;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server over real HTTP on an ephemeral loopback port: predictions equal the
 * {@link dev.aiaas.core.nn.Predictor}'s bit for bit, the status, metadata, health and metrics
 * routes, and every error path with its status code and message.
 */
class AiaasServerTest {

    @TempDir
    static Path dir;
    static AiaasServer server;

    @BeforeAll
    static void start() throws Exception {
        server = AiaasServer.start(ServerConfig.builder().model("mlp", Serving.mlp(dir)).model("lm", Serving.arpa(dir))
                .token(Serving.TOKEN).port(0).threads(2).maxBodyBytes(64 * 1024).maxInstances(100).maxJsonDepth(4).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static float[] expected(float[] x) {
        return ((NetworkModel) server.model("mlp")).predictor().predict(x);
    }

    @Test
    void eachUnbatchedPredictionRunsOnItsRequestThreadAlone() throws Exception {
        String kernel = ((NetworkModel) server.model("mlp")).predictor().kernel();
        assertTrue(kernel.startsWith("copy") || kernel.endsWith(", 1 thread"), kernel);
        try (dev.aiaas.core.nn.Model m = dev.aiaas.core.io.ModelIO.load(server.model("mlp").file)) {
            ServerConfig.Builder b = ServerConfig.builder().model("mlp", Path.of("unused")).noAuth().port(0);
            for (ServerConfig c : new ServerConfig[] {b.threads(1).build(), b.threads(2).batching(8, Duration.ofMillis(1)).build()}) {
                try (dev.aiaas.core.nn.Predictor p = NetworkModel.predictor(m, c); dev.aiaas.core.nn.Predictor d = m.predictor()) {
                    assertEquals(d.kernel(), p.kernel(), "a single request thread or a batched run takes the aiaas.threads setting");
                }
            }
        }
    }

    @Test
    void predictionsEqualThePredictorsBitForBit() throws Exception {
        for (int rows : new int[] {1, 3, 17, 100}) {
            float[] x = Serving.uniform(rows * IN, rows);
            HttpResponse<String> r = post(server, "/v1/models/mlp:predict", Serving.instances(x, IN));
            assertEquals(200, r.statusCode(), r.body());
            float[] y = Serving.predictions(r.body());
            float[] want = expected(x);
            assertEquals(want.length, y.length);
            for (int i = 0; i < y.length; i++) {
                assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(y[i]), "value " + i + " of " + rows + " rows");
            }
            assertEquals(rows, MAPPER.readTree(r.body()).get("predictions").size());
            assertEquals(OUT, MAPPER.readTree(r.body()).get("predictions").get(0).size());
        }
    }

    @Test
    void signatureNameIsAcceptedAndIgnored() throws Exception {
        float[] x = Serving.uniform(IN, 5);
        String body = "{\"signature_name\": \"serving_default\", " + Serving.instances(x, IN).substring(1);
        HttpResponse<String> r = post(server, "/v1/models/mlp:predict", body);
        assertEquals(200, r.statusCode(), r.body());
        assertArrayEquals(expected(x), Serving.predictions(r.body()));
    }

    @Test
    void statusAndMetadata() throws Exception {
        HttpResponse<String> r = get(server, "/v1/models/mlp");
        assertEquals(200, r.statusCode());
        JsonNode s = MAPPER.readTree(r.body()).get("model_version_status").get(0);
        assertEquals("1", s.get("version").asText());
        assertEquals("AVAILABLE", s.get("state").asText());

        JsonNode m = MAPPER.readTree(get(server, "/v1/models/mlp/metadata").body());
        assertEquals("mlp", m.get("model_spec").get("name").asText());
        JsonNode md = m.get("metadata");
        assertEquals("network", md.get("kind").asText());
        assertEquals("[-1,8]", md.get("inputs").get("shape").toString());
        assertEquals("[-1,3]", md.get("outputs").get("shape").toString());
        assertEquals("float32", md.get("inputs").get("dtype").asText());
        assertEquals("nothing (a test model)", md.get("provenance").get("trained_on").asText());

        JsonNode lm = MAPPER.readTree(get(server, "/v1/models/lm/metadata").body()).get("metadata");
        assertEquals("ngram", lm.get("kind").asText());
        assertEquals(2, lm.get("order").asInt());
        assertEquals("[\"score\",\"generate\"]", lm.get("verbs").toString());
    }

    @Test
    void healthNeedsNoTokenButModelsAndMetricsDo() throws Exception {
        assertEquals(200, get(server, "/healthz", null).statusCode());
        HttpResponse<String> ready = get(server, "/readyz", null);
        assertEquals(200, ready.statusCode());
        assertEquals("ready", MAPPER.readTree(ready.body()).get("status").asText());
        for (String path : new String[] {"/v1/models/mlp", "/v1/models/mlp/metadata", "/metrics", "/v1/models/nosuch"}) {
            HttpResponse<String> r = get(server, path, null);
            assertTrue(error(r, 401).contains("Authorization: Bearer"), path);
            assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(""));
        }
    }

    @Test
    void wrongOrMissingTokenIs401WithTheSameMessage() throws Exception {
        String body = Serving.instances(Serving.uniform(IN, 1), IN);
        String missing = error(post(server, "/v1/models/mlp:predict", body, null), 401);
        String wrong = error(post(server, "/v1/models/mlp:predict", body, Serving.TOKEN + "x"), 401);
        String prefix = error(post(server, "/v1/models/mlp:predict", body, Serving.TOKEN.substring(0, 20)), 401);
        assertEquals(missing, wrong);
        assertEquals(missing, prefix);
        HttpRequest basic = HttpRequest.newBuilder(Serving.uri(server, "/v1/models/mlp:predict"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Authorization", "Basic " + Serving.TOKEN).build();
        error(Serving.CLIENT.send(basic, HttpResponse.BodyHandlers.ofString()), 401);
    }

    @Test
    void unknownModelRouteAndVerbAre404() throws Exception {
        String body = Serving.instances(Serving.uniform(IN, 1), IN);
        assertTrue(error(post(server, "/v1/models/nosuch:predict", body), 404).contains("no model named 'nosuch'; this server serves"));
        assertTrue(error(get(server, "/v1/models/nosuch"), 404).contains("nosuch"));
        assertTrue(error(get(server, "/v1/models/..%2F..%2Fetc%2Fpasswd"), 404).contains("no model named"));
        assertTrue(error(get(server, "/v1/other"), 404).contains("no route"));
        assertTrue(error(get(server, "/v1/models/mlp/versions/1"), 404).contains("no route"));
        assertTrue(error(post(server, "/v1/models/mlp:score", "{}"), 404).contains("has no verb :score; it answers :predict"));
        assertTrue(error(post(server, "/v1/models/lm:predict", body), 404).contains(":score, :generate"));
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> r = get(server, "/v1/models/mlp:predict");
        assertTrue(error(r, 405).contains("use POST"));
        assertEquals("POST", r.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> p = post(server, "/v1/models/mlp", "{}");
        assertTrue(error(p, 405).contains("use GET"));
        assertEquals("GET", p.headers().firstValue("Allow").orElse(""));
        error(post(server, "/healthz", "{}"), 405);
        error(post(server, "/metrics", "{}"), 405);
    }

    @Test
    void badBodiesAre400NamingTheBadValue() throws Exception {
        String p = "/v1/models/mlp:predict";
        String row = "[1, 2, 3, 4, 5, 6, 7, 8]";
        assertTrue(error(post(server, p, "{\"instances\": [[1, 2"), 400).startsWith("malformed JSON at line 1"));
        assertTrue(error(post(server, p, "{\"instances\": [[NaN, 1, 2, 3, 4, 5, 6, 7]]}"), 400).contains("NaN"));
        assertTrue(error(post(server, p, "{\"instances\": [[1e39, 1, 2, 3, 4, 5, 6, 7]]}"), 400)
                .contains("instance 0, value 0 is 1e39, beyond float32's range"));
        assertTrue(error(post(server, p, "{\"instances\": [" + row + ", [1, 2, 3, 4, 5]]}"), 400)
                .contains("instance 1 has 5 values; expected 8 (input shape [8])"));
        assertTrue(error(post(server, p, "{\"instances\": [[1, 2, 3, 4, 5, 6, 7, 8, 9]]}"), 400)
                .contains("instance 0 has more than 8 values"));
        assertTrue(error(post(server, p, "{\"instances\": [[1, 2, \"x\", 4, 5, 6, 7, 8]]}"), 400)
                .contains("instance 0, value 2 is the string \"x\"; expected a number"));
        assertTrue(error(post(server, p, "{\"instances\": [[1, 2, null, 4, 5, 6, 7, 8]]}"), 400).contains("value 2 is null"));
        assertTrue(error(post(server, p, "{\"instances\": [[[1, 2, 3, 4, 5, 6, 7, 8]]]}"), 400)
                .contains("instance 0, value 0 is an array; expected a number"));
        assertTrue(error(post(server, p, "{\"instances\": [5]}"), 400).contains("instance 0 is the number 5; expected an array of 8"));
        assertTrue(error(post(server, p, "{\"instances\": []}"), 400).contains("\"instances\" is empty"));
        assertTrue(error(post(server, p, "{\"instances\": {}}"), 400).contains("\"instances\" is an object; expected an array"));
        assertTrue(error(post(server, p, "{}"), 400).contains("no \"instances\""));
        assertTrue(error(post(server, p, "[]"), 400).contains("must be a JSON object"));
        assertTrue(error(post(server, p, ""), 400).contains("the end of the body"));
        assertTrue(error(post(server, p, "{\"inputs\": []}"), 400).contains("unknown field \"inputs\""));
        assertTrue(error(post(server, p, "{\"instances\": [" + row + "]} {}"), 400).contains("after the body's JSON object"));
        assertTrue(error(post(server, p, "{\"instances\": [" + row + "], \"instances\": [" + row + "]}"), 400).contains("given twice"));
        assertTrue(error(post(server, p, "{\"signature_name\": 3, \"instances\": [" + row + "]}"), 400).contains("expected a string"));
        // depth: the handlers refuse a deeper array than the input shape before the parser's limit
        // (4 here) is reached; the limit itself is checked by JsonLimitsTest
        assertTrue(error(post(server, p, "{\"instances\": [[[[[[1]]]]]]}"), 400).contains("value 0 is an array"));
        assertTrue(error(post(server, p, "{\"instances\": [[1, 2, 3, 4, 5, 6, 7, " + "1".repeat(100) + "]]}"), 400)
                .contains("exceeds a limit"));
    }

    @Test
    void tooManyInstancesIs400() throws Exception {
        String body = Serving.instances(new float[101 * IN], IN);
        assertTrue(error(post(server, "/v1/models/mlp:predict", body), 400).contains("more than 100 instances"));
        assertEquals(200, post(server, "/v1/models/mlp:predict", Serving.instances(new float[100 * IN], IN)).statusCode());
    }

    @Test
    void oversizedBodyIs413DeclaredOrStreamed() throws Exception {
        String big = "{\"instances\": [" + "[1,2,3,4,5,6,7,8],".repeat(5000) + "[1,2,3,4,5,6,7,8]]}";
        assertTrue(big.length() > 64 * 1024);
        assertTrue(error(post(server, "/v1/models/mlp:predict", big), 413).contains("more than this server's limit of 65536 bytes"));
        // without Content-Length (chunked): refused once the limit is passed
        HttpRequest chunked = HttpRequest.newBuilder(Serving.uri(server, "/v1/models/mlp:predict")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + Serving.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))).build();
        HttpResponse<String> r = Serving.CLIENT.send(chunked, HttpResponse.BodyHandlers.ofString());
        assertTrue(error(r, 413).contains("more than this server's limit"));
        // and the server still answers
        assertEquals(200, post(server, "/v1/models/mlp:predict", Serving.instances(new float[IN], IN)).statusCode());
    }

    @Test
    void metricsCountRequestsByModelRouteAndCode() throws Exception {
        post(server, "/v1/models/mlp:predict", Serving.instances(new float[2 * IN], IN));
        post(server, "/v1/models/mlp:predict", "{bad");
        post(server, "/v1/models/nosuch-model-xyz:predict", "{}");
        HttpResponse<String> r = get(server, "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = r.body();
        assertTrue(text.contains("aiaas_requests_total{code=\"200\",model=\"mlp\",route=\"predict\"}"), text);
        assertTrue(text.contains("aiaas_requests_total{code=\"400\",model=\"mlp\",route=\"predict\"}"), text);
        assertTrue(text.contains("aiaas_requests_total{code=\"404\",model=\"\",route=\"predict\"}"), text);
        assertFalse(text.contains("nosuch-model-xyz"), "unknown names make no series");
        assertTrue(text.contains("aiaas_request_duration_seconds_bucket{code=\"200\",model=\"mlp\",route=\"predict\",le=\"1.0E-4\"}"), text);
        assertTrue(text.contains("aiaas_batch_rows_bucket{model=\"mlp\",le=\"2.0\"}"), text);
        assertTrue(text.contains("aiaas_queue_depth 0.0"), text);
        // this request at least (an earlier one may not have been counted out yet: that happens after its answer is sent)
        java.util.regex.Matcher inFlight = java.util.regex.Pattern.compile("\naiaas_requests_in_flight ([0-9.]+)\n").matcher(text);
        assertTrue(inFlight.find(), text);
        assertTrue(Double.parseDouble(inFlight.group(1)) >= 1, text);
    }

    @Test
    void predictionsAreFloat32TextThatParsesBackExactly() throws Exception {
        float[] x = Serving.uniform(4 * IN, 99);
        HttpResponse<String> r = post(server, "/v1/models/mlp:predict", Serving.instances(x, IN));
        float[] want = expected(x);
        float[] got = Serving.predictions(r.body());
        assertTrue(Arrays.equals(want, got));
    }
}
