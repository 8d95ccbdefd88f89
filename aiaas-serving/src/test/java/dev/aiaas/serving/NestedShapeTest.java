package dev.aiaas.serving;

import static dev.aiaas.serving.Serving.MAPPER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model with a rank-2 example shape: instances flat or nested as [2, 4], predictions nested as [2, 3]. */
class NestedShapeTest {

    @TempDir
    Path dir;

    @Test
    void nestedInstancesAndPredictions() throws Exception {
        Path file = dir.resolve("td.aiaas");
        try (Model m = Model.builder(2, 4).add(Layers.timeDistributed(Layers.dense(3))).seed(5).build()) {
            ModelIO.save(m, file);
        }
        try (AiaasServer server = AiaasServer.start(ServerConfig.builder().model("td", file).noAuth().port(0).build())) {
            float[] x = {0.5f, -1, 2, 0.25f, 1, 1.5f, -2, 3};
            String nested = "{\"instances\": [[[0.5, -1, 2, 0.25], [1, 1.5, -2, 3]]]}";
            String flat = "{\"instances\": [[0.5, -1, 2, 0.25, 1, 1.5, -2, 3]]}";
            HttpResponse<String> a = Serving.post(server, "/v1/models/td:predict", nested, null);
            HttpResponse<String> b = Serving.post(server, "/v1/models/td:predict", flat, null);
            assertEquals(200, a.statusCode(), a.body());
            assertEquals(a.body(), b.body());
            JsonNode p = MAPPER.readTree(a.body()).get("predictions").get(0);
            assertEquals(2, p.size());
            assertEquals(3, p.get(0).size());
            float[] want = ((NetworkModel) server.model("td")).predictor().predict(x);
            float[] got = new float[6];
            for (int i = 0; i < 6; i++) {
                got[i] = Float.parseFloat(p.get(i / 3).get(i % 3).asText());
            }
            assertArrayEquals(want, got);
            JsonNode md = MAPPER.readTree(Serving.get(server, "/v1/models/td/metadata", null).body()).get("metadata");
            assertEquals("[-1,2,4]", md.get("inputs").get("shape").toString());
            assertEquals("[-1,2,3]", md.get("outputs").get("shape").toString());

            String p2 = "/v1/models/td:predict";
            assertTrue(Serving.error(Serving.post(server, p2, "{\"instances\": [[[0.5, -1, 2, 0.25], [1, 1.5, -2]]]}", null), 400)
                    .contains("instance 0[1] has 3 entries; expected 4 (input shape [2, 4])"));
            assertTrue(Serving.error(Serving.post(server, p2, "{\"instances\": [[[0.5, -1, 2, 0.25]]]}", null), 400)
                    .contains("instance 0 has 1 entries; expected 2"));
            assertTrue(Serving.error(Serving.post(server, p2, "{\"instances\": [[[0.5, -1, 2, 0.25], [1, 1.5, -2, 3], [1, 1, 1, 1]]]}", null), 400)
                    .contains("instance 0 has more than 2 entries"));
            assertTrue(Serving.error(Serving.post(server, p2, "{\"instances\": [[[0.5, -1, 2, 0.25], 7]]}", null), 400)
                    .contains("instance 0[1] is the number 7; expected an array of 4"));
            assertTrue(Serving.error(Serving.post(server, p2, "{\"instances\": [[[0.5, -1, 2, 0.25], [1, 1.5, -2, 1e40]]]}", null), 400)
                    .contains("instance 0[1][3] is 1e40, beyond float32's range"));
            assertTrue(Serving.error(Serving.post(server, p2, "{\"instances\": [[0.5, -1, 2, 0.25]]}", null), 400)
                    .contains("instance 0 has 4 values; expected 8 (input shape [2, 4])"));
        }
    }
}
