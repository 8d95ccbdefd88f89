package dev.aiaas.serving;

import static dev.aiaas.serving.Serving.IN;
import static dev.aiaas.serving.Serving.MAPPER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.Predictor;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model given as a folder of numbered versions: the highest is served; a new version written
 * while 4 clients send requests is picked up without a request failing or being answered by a
 * closed model, every answer is version 1's or version 2's exactly, answers after the switch are
 * version 2's, and version 1's predictor is closed once its requests ended.
 */
class VersionsTest {

    @TempDir
    Path dir;

    private static void save(Path file, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        try (Model m = Model.builder(IN).add(Layers.dense(16, Activation.RELU)).add(Layers.dense(Serving.OUT)).seed(seed).build()) {
            ModelIO.save(m, file);
        }
    }

    private static float[] predict(Path file, float[] x) throws IOException {
        try (Model m = ModelIO.load(file); Predictor p = m.predictor()) {
            return p.predict(x);
        }
    }

    private static String version(AiaasServer s) throws Exception {
        return MAPPER.readTree(Serving.get(s, "/v1/models/v").body()).get("model_version_status").get(0).get("version").asText();
    }

    @Test
    @Timeout(120)
    void aNewVersionIsServedWithoutDroppingRequests() throws Exception {
        Path models = dir.resolve("models");
        save(models.resolve("1").resolve("m.aiaas"), 1);
        Files.createDirectories(models.resolve("0"));
        Files.createDirectories(models.resolve("notes"));
        float[] x = Serving.uniform(IN, 3);
        float[] v1 = predict(models.resolve("1").resolve("m.aiaas"), x);
        Path v2file = dir.resolve("staging").resolve("m.aiaas");
        save(v2file, 2);
        float[] v2 = predict(v2file, x);
        assertTrue(!Arrays.equals(v1, v2));
        String body = Serving.instances(x, IN);

        ExecutorService clients = Executors.newFixedThreadPool(4);
        try (AiaasServer server = AiaasServer.start(ServerConfig.builder().model("v", models).token(Serving.TOKEN).port(0).threads(4)
                .reloadInterval(Duration.ofMillis(20)).build())) {
            assertEquals("1", version(server));
            ServedModel first = server.model("v");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean switched = new AtomicBoolean();
            List<Future<int[]>> done = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                done.add(clients.submit(() -> {
                    int[] counts = new int[3]; // version 1, version 2, version 2 after the switch was seen
                    while (!stop.get()) {
                        boolean after = switched.get();
                        HttpResponse<String> r = Serving.post(server, "/v1/models/v:predict", body);
                        assertEquals(200, r.statusCode(), r.body());
                        float[] y = Serving.predictions(r.body());
                        if (Arrays.equals(y, v1)) {
                            assertTrue(!after, "version 1 answered after version 2 was served");
                            counts[0]++;
                        } else {
                            assertArrayEquals(v2, y);
                            counts[after ? 2 : 1]++;
                        }
                    }
                    return counts;
                }));
            }
            Thread.sleep(200);
            // version 2 appears as an atomic move of a finished folder
            Files.move(v2file.getParent(), models.resolve("2"));
            for (int i = 0; i < 500 && !version(server).equals("2"); i++) {
                Thread.sleep(10);
            }
            assertEquals("2", version(server));
            switched.set(true);
            Thread.sleep(300);
            stop.set(true);
            int[] total = new int[3];
            for (Future<int[]> f : done) {
                int[] c = f.get();
                for (int i = 0; i < 3; i++) {
                    total[i] += c[i];
                }
            }
            assertTrue(total[0] > 0 && total[2] > 0, Arrays.toString(total));
            // version 1's predictor was closed once its last request ended
            assertThrows(IllegalStateException.class, () -> ((NetworkModel) first).predictor().predict(x));
            assertTrue(Serving.get(server, "/v1/models/v/metadata").body().contains("\"version\":\"2\""));
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void aFolderWithoutAVersionIsRefused() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty").resolve("1"));
        IOException e = assertThrows(IOException.class, () -> AiaasServer.start(ServerConfig.builder().model("v", empty.getParent())
                .noAuth().port(0).build()));
        assertTrue(e.getMessage().contains("the folder has no version"), e.getMessage());
    }
}
