package dev.aiaas.serving;

import static dev.aiaas.serving.Serving.IN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.Predictor;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 32 concurrent clients: every answer equals, bit for bit, what a predictor of the same file
 * gives on one thread for the same rows (with micro-batching: for the same rows padded to whole
 * chunks, as {@link Batcher} runs them, whatever requests shared the batch; and the unbatched
 * answer to float32 rounding), and bad requests
 * (wrong token, bad JSON, wrong width, unknown model) sent among them get their error without
 * disturbing the valid ones.
 */
class ConcurrencyTest {

    private static final int CLIENTS = 32;
    private static final int REQUESTS = 20;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void concurrentClientsGetTheSingleThreadedOutputs() throws Exception {
        run(ServerConfig.builder().model("mlp", Serving.mlp(dir)).token(Serving.TOKEN).port(0).threads(4).build(), false);
    }

    @Test
    @Timeout(120)
    void microBatchedAnswersDoNotDependOnTheirBatch() throws Exception {
        run(ServerConfig.builder().model("mlp", Serving.mlp(dir)).token(Serving.TOKEN).port(0).threads(CLIENTS)
                .batching(64, Duration.ofMillis(2)).build(), true);
    }

    private void run(ServerConfig config, boolean batched) throws Exception {
        // the reference: a predictor of the same file, one call per request on this thread
        int[] rows = new int[CLIENTS * REQUESTS];
        List<float[]> xs = new ArrayList<>();
        List<float[]> want = new ArrayList<>();
        List<float[]> alone = new ArrayList<>();
        try (Model m = ModelIO.load(config.models().get("mlp")); Predictor p = m.predictor()) {
            for (int i = 0; i < rows.length; i++) {
                rows[i] = 1 + i % 5;
                float[] x = Serving.uniform(rows[i] * IN, 1000 + i);
                xs.add(x);
                if (batched) {
                    // a batch's rows are padded to whole chunks: a request's rows give what they give so padded
                    int padded = (rows[i] + Batcher.CHUNK - 1) / Batcher.CHUNK * Batcher.CHUNK;
                    want.add(java.util.Arrays.copyOf(p.predict(java.util.Arrays.copyOf(x, padded * IN)), rows[i] * Serving.OUT));
                    alone.add(p.predict(x));
                } else {
                    want.add(p.predict(x));
                }
            }
        }
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try (AiaasServer server = AiaasServer.start(config)) {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(clients.submit((Callable<Integer>) () -> {
                    int ok = 0;
                    for (int k = 0; k < REQUESTS; k++) {
                        int i = client * REQUESTS + k;
                        HttpResponse<String> r = Serving.post(server, "/v1/models/mlp:predict", Serving.instances(xs.get(i), IN));
                        assertEquals(200, r.statusCode(), r.body());
                        float[] y = Serving.predictions(r.body());
                        float[] w = want.get(i);
                        assertEquals(w.length, y.length);
                        for (int j = 0; j < y.length; j++) {
                            assertEquals(Float.floatToIntBits(w[j]), Float.floatToIntBits(y[j]), "request " + i + ", value " + j);
                            if (batched) {
                                // and the unbatched answer to float32 rounding
                                assertEquals(alone.get(i)[j], y[j], 1e-5f * Math.max(1, Math.abs(y[j])), "request " + i + ", value " + j);
                            }
                        }
                        ok++;
                        // bad traffic among the good
                        switch (k % 4) {
                            case 0 -> assertEquals(401, Serving.post(server, "/v1/models/mlp:predict", "{}", "wrong-token-0123456789").statusCode());
                            case 1 -> assertEquals(400, Serving.post(server, "/v1/models/mlp:predict", "{\"instances\": [[1, 2]]}").statusCode());
                            case 2 -> assertEquals(400, Serving.post(server, "/v1/models/mlp:predict", "{\"instances\": [[1,").statusCode());
                            default -> assertEquals(404, Serving.post(server, "/v1/models/other:predict", "{}").statusCode());
                        }
                    }
                    return ok;
                }));
            }
            int answered = 0;
            for (Future<Integer> f : done) {
                answered += f.get();
            }
            assertEquals(CLIENTS * REQUESTS, answered);
            String metrics = Serving.get(server, "/metrics").body();
            assertTrue(metrics.contains("aiaas_requests_total{code=\"200\",model=\"mlp\",route=\"predict\"} " + (CLIENTS * REQUESTS) + ".0"),
                    metrics);
            if (batched) {
                // batches were formed: fewer predictor runs than requests, as many rows as sent
                long runs = metricValue(metrics, "aiaas_batch_rows_count{model=\"mlp\"}");
                long sum = metricValue(metrics, "aiaas_batch_rows_sum{model=\"mlp\"}");
                long sent = 0;
                for (int r : rows) {
                    sent += r;
                }
                assertEquals(sent, sum);
                assertTrue(runs < CLIENTS * REQUESTS, "runs " + runs);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private static long metricValue(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return (long) Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no " + series + " in\n" + text);
    }
}
