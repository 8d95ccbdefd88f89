package dev.aiaas.serving;

import static dev.aiaas.serving.Serving.MAPPER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aiaas.nlp.lm.LstmLanguageModel;
import dev.aiaas.nlp.lm.Sampler;
import dev.aiaas.nlp.lm.SamplingOptions;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The other kinds of model file: an LSTM language model is served with :score and :generate; a table classifier is refused. */
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
    void aTableClassifierIsRefusedSayingSo() throws Exception {
        Path file = resource("tabular-format-1.aiaas");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AiaasServer.start(ServerConfig.builder().model("iris", file).noAuth().port(0).build()));
        assertTrue(e.getMessage().contains("is a table classifier (trained with --csv); serving table models by column name is not "
                + "supported yet"), e.getMessage());
    }
}
