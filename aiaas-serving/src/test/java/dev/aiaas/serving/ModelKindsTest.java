package dev.aiaas.serving;

import static dev.aiaas.serving.Serving.MAPPER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aiaas.core.data.Feature;
import dev.aiaas.core.data.UnknownCategory;
import dev.aiaas.core.math.MathOps;
import dev.aiaas.core.nn.Predictor;
import dev.aiaas.core.tabular.TabularModel;
import dev.aiaas.nlp.lm.LstmLanguageModel;
import dev.aiaas.nlp.lm.Sampler;
import dev.aiaas.nlp.lm.SamplingOptions;
import dev.aiaas.nlp.lm.TransformerLanguageModel;
import dev.aiaas.nlp.lm.TransformerLmOptions;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The other kinds of model file: an LSTM language model served with :score and :generate; a table classifier by column name. */
class ModelKindsTest {

    @TempDir
    Path dir;

    private Path resource(String name) throws Exception {
        Path f = dir.resolve(name);
        try (InputStream in = ModelKindsTest.class.getResourceAsStream(name)) {
            Files.copy(in, f);
        }
        return f;
    }

    @Test
    void anLstmLanguageModelIsServed() throws Exception {
        Path file = resource("lstm-lm-format-1.aiaas");
        LstmLanguageModel lm = LstmLanguageModel.load(file);
        List<String> words = new ArrayList<>();
        for (int id = 3; id < Math.min(7, lm.vocabulary().size()); id++) {
            words.add(lm.vocabulary().token(id));
        }
        try (AiaasServer server = AiaasServer.start(ServerConfig.builder().model("lstm", file).noAuth().port(0).build())) {
            JsonNode md = MAPPER.readTree(Serving.get(server, "/v1/models/lstm/metadata", null).body()).get("metadata");
            assertEquals("lstm-lm", md.get("kind").asText());
            String sentence = String.join(" ", words) + " never-seen-word";
            HttpResponse<String> r = Serving.post(server, "/v1/models/lstm:score", "{\"sentences\": [\"" + sentence + "\"]}", null);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode res = MAPPER.readTree(r.body()).get("results").get(0);
            List<String> tokens = new ArrayList<>(words);
            tokens.add("never-seen-word");
            assertEquals(lm.sentenceLog10(tokens), res.get("log10_prob").asDouble(), 1e-9);
            assertEquals(tokens.size() + 1, res.get("tokens").asInt());
            assertEquals(1, res.get("oovs").asInt());
            HttpResponse<String> g = Serving.post(server, "/v1/models/lstm:generate", "{\"seed\": 7, \"count\": 2, \"max_tokens\": 5}", null);
            assertEquals(200, g.statusCode(), g.body());
            SplittableRandom random = new SplittableRandom(7);
            SamplingOptions options = new SamplingOptions(1, 0, 1, 5);
            JsonNode sentences = MAPPER.readTree(g.body()).get("sentences");
            assertEquals(String.join(" ", Sampler.sample(lm, options, random)), sentences.get(0).asText());
            assertEquals(String.join(" ", Sampler.sample(lm, options, random)), sentences.get(1).asText());
        }
    }

    @Test
    void aTransformerLanguageModelIsServed() throws Exception {
        List<List<String>> corpus = List.of(List.of("the", "whale", "swims"), List.of("the", "ship", "sails"),
                List.of("a", "whale", "sails"), List.of("the", "sea", "is", "deep"));
        TransformerLanguageModel lm = TransformerLanguageModel.train(corpus,
                new TransformerLmOptions(1, 2, 8, 6, 2, 1, 2, 3, 4, 0.01, 0.1, 0.01, 1.0, 0.0, 7));
        Path file = dir.resolve("gpt.aiaas");
        lm.save(file);
        try (AiaasServer server = AiaasServer.start(ServerConfig.builder().model("gpt", file).noAuth().port(0).build())) {
            JsonNode md = MAPPER.readTree(Serving.get(server, "/v1/models/gpt/metadata", null).body()).get("metadata");
            assertEquals("transformer-lm", md.get("kind").asText());
            HttpResponse<String> r = Serving.post(server, "/v1/models/gpt:score", "{\"sentences\": [\"the whale sails\"]}", null);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(lm.sentenceLog10(List.of("the", "whale", "sails")),
                    MAPPER.readTree(r.body()).get("results").get(0).get("log10_prob").asDouble(), 1e-9);
        }
    }

    @Test
    void aTableClassifierIsServedByColumnName() throws Exception {
        Path file = resource("tabular-format-1.aiaas");
        try (TabularModel tm = TabularModel.load(file); Predictor p = tm.model().predictor();
             AiaasServer server = AiaasServer.start(ServerConfig.builder().model("t", file).noAuth().port(0).build())) {
            Map<String, String> row = new LinkedHashMap<>();
            StringBuilder json = new StringBuilder("{\"instances\": [{\"ignored\": [1, 2], ");
            int i = 0;
            for (Feature f : tm.preprocessor().features()) {
                String v = f instanceof Feature.Categorical c ? c.categories().get(0) : "1.5";
                row.put(f.name(), v);
                json.append(i++ == 0 ? "" : ", ").append('"').append(f.name()).append("\": ")
                        .append(f instanceof Feature.Categorical ? "\"" + v + "\"" : v);
            }
            json.append("}]}");
            HttpResponse<String> r = Serving.post(server, "/v1/models/t:predict", json.toString(), null);
            assertEquals(200, r.statusCode(), r.body());
            float[] want = p.predict(tm.preprocessor().transform(row, UnknownCategory.ERROR));
            JsonNode body = MAPPER.readTree(r.body());
            JsonNode got = body.get("predictions").get(0);
            assertEquals(want.length, got.size());
            for (int j = 0; j < want.length; j++) {
                assertEquals(want[j], Float.parseFloat(got.get(j).asText()));
            }
            assertEquals(tm.labels().decode(MathOps.argmax(want)), body.get("labels").get(0).asText());
            JsonNode md = MAPPER.readTree(Serving.get(server, "/v1/models/t/metadata", null).body()).get("metadata");
            assertEquals("table-classifier", md.get("kind").asText());
            assertEquals(tm.preprocessor().features().size(), md.get("inputs").get("columns").size());

            String first = tm.preprocessor().features().get(0).name();
            assertTrue(Serving.error(Serving.post(server, "/v1/models/t:predict", "{\"instances\": [{}]}", null), 400)
                    .contains("instance 0 has no column \"" + first + "\""));
            assertTrue(Serving.error(Serving.post(server, "/v1/models/t:predict", "{\"instances\": [[1, 2]]}", null), 400)
                    .contains("this model takes an object of column values"));
            assertTrue(Serving.error(Serving.post(server, "/v1/models/t:predict", "{\"instances\": [{\"" + first + "\": null}]}", null), 400)
                    .contains("column \"" + first + "\" is null"));
            String bad = json.toString().replace("\"" + row.get(first) + "\"", "\"no-such-value-xyz\"").replace(": 1.5", ": \"abc\"");
            assertTrue(Serving.error(Serving.post(server, "/v1/models/t:predict", bad, null), 400).startsWith("instance 0: "));
        }
    }
}
