package dev.aiaas.serving;

import static dev.aiaas.serving.Serving.MAPPER;
import static dev.aiaas.serving.Serving.error;
import static dev.aiaas.serving.Serving.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aiaas.nlp.lm.NgramModel;
import dev.aiaas.nlp.lm.Sampler;
import dev.aiaas.nlp.lm.SamplingOptions;
import dev.aiaas.nlp.lm.TokenScore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code :score} and {@code :generate} of an n-gram model over HTTP, against the model called directly. */
class LanguageModelServingTest {

    @TempDir
    static Path dir;
    static AiaasServer server;
    static NgramModel model;

    @BeforeAll
    static void start() throws Exception {
        Path arpa = Serving.arpa(dir);
        model = NgramModel.readArpa(arpa);
        server = AiaasServer.start(ServerConfig.builder().model("lm", arpa).token(Serving.TOKEN).port(0).maxInstances(10)
                .maxGenerateTokens(50).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void scoreEqualsTheModelsSentenceScores() throws Exception {
        HttpResponse<String> r = post(server, "/v1/models/lm:score", "{\"sentences\": [\"a b\", \"  b  zzz a \", \"\"], \"per_token\": true}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode results = MAPPER.readTree(r.body()).get("results");
        assertEquals(3, results.size());
        List<List<String>> sentences = List.of(List.of("a", "b"), List.of("b", "zzz", "a"), List.of());
        for (int i = 0; i < 3; i++) {
            JsonNode res = results.get(i);
            assertEquals(model.sentenceLog10(sentences.get(i)), res.get("log10_prob").asDouble(), 1e-12);
            assertEquals(sentences.get(i).size() + 1, res.get("tokens").asInt());
            List<TokenScore> ts = model.scoreTokens(sentences.get(i));
            assertEquals(ts.size(), res.get("per_token").size());
            for (int t = 0; t < ts.size(); t++) {
                assertEquals(ts.get(t).token(), res.get("per_token").get(t).get("token").asText());
                assertEquals(ts.get(t).log10Prob(), res.get("per_token").get(t).get("log10_prob").asDouble(), 0);
            }
        }
        assertEquals(0, results.get(0).get("oovs").asInt());
        assertEquals(1, results.get(1).get("oovs").asInt());
        assertEquals(-0.1 - 0.2 - 0.3, results.get(0).get("log10_prob").asDouble(), 1e-6); // the ARPA file's values, as float32
        // without per_token: no breakdown
        JsonNode plain = MAPPER.readTree(post(server, "/v1/models/lm:score", "{\"sentences\": [\"a b\"]}").body()).get("results").get(0);
        assertTrue(plain.get("per_token") == null);
    }

    @Test
    void generateIsSeededAndEqualsTheSampler() throws Exception {
        String body = "{\"seed\": 42, \"count\": 3, \"max_tokens\": 20, \"temperature\": 0.8}";
        HttpResponse<String> r = post(server, "/v1/models/lm:generate", body);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode sentences = MAPPER.readTree(r.body()).get("sentences");
        assertEquals(3, sentences.size());
        SplittableRandom random = new SplittableRandom(42);
        SamplingOptions options = new SamplingOptions((float) 0.8, 0, 1, 20);
        for (JsonNode s : sentences) {
            assertEquals(String.join(" ", Sampler.sample(model, options, random)), s.asText());
        }
        assertEquals(r.body(), post(server, "/v1/models/lm:generate", body).body());
    }

    @Test
    void generateStreamsServerSentEventsOfTheSameWords() throws Exception {
        String plain = "{\"seed\": 9, \"count\": 3, \"max_tokens\": 12}";
        JsonNode want = MAPPER.readTree(post(server, "/v1/models/lm:generate", plain).body()).get("sentences");
        HttpResponse<String> r = post(server, "/v1/models/lm:generate", "{\"seed\": 9, \"count\": 3, \"max_tokens\": 12, \"stream\": true}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElse(""));
        List<StringBuilder> tokens = List.of(new StringBuilder(), new StringBuilder(), new StringBuilder());
        List<String> texts = new java.util.ArrayList<>();
        String[] events = r.body().split("\n\n");
        for (String e : events) {
            String[] lines = e.split("\n");
            String event = lines[0].substring("event: ".length());
            JsonNode data = MAPPER.readTree(lines[1].substring("data: ".length()));
            if (event.equals("token")) {
                StringBuilder b = tokens.get(data.get("sentence").asInt());
                b.append(b.length() == 0 ? "" : " ").append(data.get("token").asText());
            } else if (event.equals("sentence")) {
                texts.add(data.get("text").asText());
            } else {
                assertEquals("done", event);
            }
        }
        assertEquals("event: done", events[events.length - 1].split("\n")[0]);
        for (int i = 0; i < 3; i++) {
            assertEquals(want.get(i).asText(), texts.get(i));
            assertEquals(want.get(i).asText(), tokens.get(i).toString());
        }
        assertTrue(Serving.error(post(server, "/v1/models/lm:generate", "{\"stream\": 1}"), 400).contains("\"stream\" is the number 1"));
        assertTrue(Serving.error(post(server, "/v1/models/lm:generate", "{\"stream\": tru"), 400).startsWith("malformed JSON"));
    }

    @Test
    void badRequestsAre400() throws Exception {
        assertTrue(error(post(server, "/v1/models/lm:score", "{\"sentences\": \"a b\"}"), 400).contains("expected an array of strings"));
        assertTrue(error(post(server, "/v1/models/lm:score", "{\"sentences\": [\"a\", 3]}"), 400).contains("sentence 1 is the number 3"));
        assertTrue(error(post(server, "/v1/models/lm:score", "{\"sentences\": []}"), 400).contains("no sentences"));
        assertTrue(error(post(server, "/v1/models/lm:score", "{\"sentences\": [" + "\"a\",".repeat(10) + "\"a\"]}"), 400)
                .contains("more than 10 sentences"));
        assertTrue(error(post(server, "/v1/models/lm:score", "{\"text\": []}"), 400).contains("unknown field \"text\""));
        assertTrue(error(post(server, "/v1/models/lm:score", "{\"sentences\": [\"a\"], \"per_token\": 1}"), 400).contains("true or false"));
        assertTrue(error(post(server, "/v1/models/lm:generate", "{\"count\": 11}"), 400).contains("\"count\" is 11; expected an integer from 1 to 10"));
        assertTrue(error(post(server, "/v1/models/lm:generate", "{\"max_tokens\": 51}"), 400).contains("from 1 to 50"));
        assertTrue(error(post(server, "/v1/models/lm:generate", "{\"seed\": 1.5}"), 400).contains("\"seed\" is the number 1.5; expected an integer"));
        assertTrue(error(post(server, "/v1/models/lm:generate", "{\"seed\": 99999999999999999999}"), 400).contains("\"seed\" is"));
        assertTrue(error(post(server, "/v1/models/lm:generate", "{\"temperature\": 0}"), 400).contains("temperature must be positive"));
        assertTrue(error(post(server, "/v1/models/lm:generate", "{\"top_p\": 2}"), 400).contains("topP must be in (0, 1]"));
        assertTrue(error(post(server, "/v1/models/lm:generate", "{\"top_k\": -1}"), 400).contains("expected an integer from 0"));
        assertTrue(error(post(server, "/v1/models/lm:generate", "{\"prompt\": \"a\"}"), 400).contains("unknown field \"prompt\""));
    }
}
