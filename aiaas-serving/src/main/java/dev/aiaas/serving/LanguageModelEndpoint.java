package dev.aiaas.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import dev.aiaas.nlp.lm.LanguageModel;
import dev.aiaas.nlp.lm.LmState;
import dev.aiaas.nlp.lm.Sampler;
import dev.aiaas.nlp.lm.SamplingOptions;
import dev.aiaas.nlp.lm.TokenScore;
import dev.aiaas.nlp.text.Vocabulary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A language model (an n-gram model from an ARPA file, or an LSTM language model), immutable and
 * thread-safe, served with two verbs.
 *
 * <p>{@code :score} takes {@code {"sentences": ["the cat sat", ...], "per_token": false}}, each
 * sentence split on white space as {@code aiaas lm eval} splits a line without a tokenizer, and
 * answers {@code {"results": [{"log10_prob": L, "tokens": T, "oovs": K}, ...]}}: L = Σ log10
 * p(wᵢ | context) over the words and {@code </s>}, T the words plus one ({@code </s>}), K the
 * words not in the vocabulary; with {@code "per_token": true} each result adds
 * {@code "per_token": [{"token", "log10_prob", "oov"}, ...]}.
 *
 * <p>{@code :generate} takes {@code {"seed": S, "count": N, "max_tokens": M, "temperature": T,
 * "top_k": K, "top_p": P}} (all optional: seed 0, one sentence, 100 words, plain sampling) and
 * answers {@code {"sentences": ["...", ...]}}: N sentences drawn by {@link Sampler} from one
 * generator seeded with S, so the same request gives the same sentences; with
 * {@code "stream": true} the words come as server-sent events while they are drawn
 * ({@link #stream}).
 */
final class LanguageModelEndpoint extends ServedModel {

    private final LanguageModel model;
    private final String kind;
    private final int maxSentences;
    private final int maxGenerateTokens;

    LanguageModelEndpoint(String name, Path file, long version, LanguageModel model, String kind, Map<String, String> provenance, ServerConfig config) {
        super(name, file, version, provenance);
        this.model = model;
        this.kind = kind;
        this.maxSentences = config.maxInstances();
        this.maxGenerateTokens = config.maxGenerateTokens();
    }

    @Override
    String kind() {
        return kind;
    }

    @Override
    List<String> verbs() {
        return List.of("score", "generate");
    }

    @Override
    void writeSignature(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("inputs");
        g.writeStringField("sentences", "strings of words separated by white space");
        g.writeEndObject();
        g.writeObjectFieldStart("outputs");
        g.writeStringField("log10_prob", "float64");
        g.writeEndObject();
        g.writeNumberField("order", model.order());
        g.writeNumberField("vocabulary_size", model.vocabulary().size());
    }

    @Override
    byte[] call(String verb, byte[] body, Json json, ServerMetrics metrics) throws HttpError, IOException {
        try {
            return verb.equals("score") ? score(body, json, metrics) : generate(body, json, metrics);
        } catch (JsonProcessingException e) {
            throw json.badJson(e);
        }
    }

    private byte[] score(byte[] body, Json json, ServerMetrics metrics) throws HttpError, IOException {
        String example = "{\"sentences\": [\"the cat sat\", ...]}";
        List<String> sentences = null;
        boolean perToken = false;
        try (JsonParser p = json.parser(body)) {
            Json.startObject(p, example);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("sentences")) {
                    if (t != JsonToken.START_ARRAY) {
                        throw new HttpError(400, "\"sentences\" is " + Json.describe(p, t) + "; expected an array of strings, as in " + example);
                    }
                    sentences = new ArrayList<>();
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (sentences.size() == maxSentences) {
                            throw new HttpError(400, "more than " + maxSentences + " sentences; this server takes at most " + maxSentences
                                    + " per request: split the request");
                        }
                        if (t != JsonToken.VALUE_STRING) {
                            throw new HttpError(400, "sentence " + sentences.size() + " is " + Json.describe(p, t) + "; expected a string");
                        }
                        sentences.add(p.getText());
                    }
                } else if (field.equals("per_token")) {
                    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                        throw new HttpError(400, "\"per_token\" is " + Json.describe(p, t) + "; expected true or false");
                    }
                    perToken = t == JsonToken.VALUE_TRUE;
                } else {
                    throw new HttpError(400, "unknown field \"" + Json.excerpt(field) + "\"; a score request has \"sentences\" and "
                            + "optionally \"per_token\"");
                }
            }
            Json.end(p);
        }
        if (sentences == null || sentences.isEmpty()) {
            throw new HttpError(400, "no sentences to score; send " + example);
        }
        metrics.batch(name, sentences.size());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = json.generator(bytes)) {
            g.writeStartObject();
            g.writeArrayFieldStart("results");
            for (String s : sentences) {
                String stripped = s.strip();
                List<String> words = stripped.isEmpty() ? List.of() : Arrays.asList(stripped.split("\\s+"));
                List<TokenScore> scores = model.scoreTokens(words);
                double total = 0;
                int oovs = 0;
                for (TokenScore ts : scores) {
                    total += ts.log10Prob();
                    oovs += ts.oov() ? 1 : 0;
                }
                g.writeStartObject();
                g.writeNumberField("log10_prob", total);
                g.writeNumberField("tokens", scores.size());
                g.writeNumberField("oovs", oovs);
                if (perToken) {
                    g.writeArrayFieldStart("per_token");
                    for (TokenScore ts : scores) {
                        g.writeStartObject();
                        g.writeStringField("token", ts.token());
                        g.writeNumberField("log10_prob", ts.log10Prob());
                        g.writeBooleanField("oov", ts.oov());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }

    /** A parsed {@code :generate} request. */
    private record Generate(long seed, int count, SamplingOptions options, boolean stream) {
    }

    private Generate parseGenerate(byte[] body, Json json) throws HttpError, IOException {
        long seed = 0;
        int count = 1;
        int maxTokens = Math.min(100, maxGenerateTokens);
        double temperature = 1;
        int topK = 0;
        double topP = 1;
        boolean stream = false;
        try (JsonParser p = json.parser(body)) {
            Json.startObject(p, "{\"seed\": 42, \"count\": 1, \"max_tokens\": 20}");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "seed":
                        seed = integer(p, t, field, Long.MIN_VALUE, Long.MAX_VALUE);
                        break;
                    case "count":
                        count = (int) integer(p, t, field, 1, maxSentences);
                        break;
                    case "max_tokens":
                        maxTokens = (int) integer(p, t, field, 1, maxGenerateTokens);
                        break;
                    case "top_k":
                        topK = (int) integer(p, t, field, 0, Integer.MAX_VALUE);
                        break;
                    case "temperature":
                        temperature = Json.finiteFloat(p, t, "\"temperature\"");
                        break;
                    case "top_p":
                        topP = Json.finiteFloat(p, t, "\"top_p\"");
                        break;
                    case "stream":
                        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                            throw new HttpError(400, "\"stream\" is " + Json.describe(p, t) + "; expected true or false");
                        }
                        stream = t == JsonToken.VALUE_TRUE;
                        break;
                    default:
                        throw new HttpError(400, "unknown field \"" + Json.excerpt(field) + "\"; a generate request has seed, count, "
                                + "max_tokens, temperature, top_k, top_p and stream, all optional");
                }
            }
            Json.end(p);
        }
        try {
            return new Generate(seed, count, new SamplingOptions(temperature, topK, topP, maxTokens), stream);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, e.getMessage());
        }
    }

    private byte[] generate(byte[] body, Json json, ServerMetrics metrics) throws HttpError, IOException {
        Generate r = parseGenerate(body, json);
        metrics.batch(name, r.count());
        SplittableRandom random = new SplittableRandom(r.seed());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = json.generator(bytes)) {
            g.writeStartObject();
            g.writeArrayFieldStart("sentences");
            for (int i = 0; i < r.count(); i++) {
                g.writeString(String.join(" ", Sampler.sample(model, r.options(), random)));
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }

    /**
     * {@code :generate} with {@code "stream": true}: server-sent events, one {@code token} event
     * per word as it is drawn ({@code {"sentence": i, "token": "w"}}), a {@code sentence} event
     * at the end of each ({@code {"sentence": i, "text": "..."}}) and a final {@code done}; the
     * words are those of the same request without streaming (the sampler's loop, word by word).
     */
    @Override
    boolean stream(String verb, byte[] body, Json json, ServerMetrics metrics, HttpExchange ex) throws HttpError, IOException {
        if (!verb.equals("generate")) {
            return false;
        }
        Generate r;
        try {
            r = parseGenerate(body, json);
        } catch (JsonProcessingException e) {
            throw json.badJson(e);
        }
        if (!r.stream()) {
            return false;
        }
        metrics.batch(name, r.count());
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        SplittableRandom random = new SplittableRandom(r.seed());
        LanguageModel model = Sampler.generator(this.model); // as Sampler.sample: a transformer on its float32 path
        Vocabulary v = model.vocabulary();
        for (int s = 0; s < r.count(); s++) {
            List<String> words = new ArrayList<>();
            LmState a = model.beginSentenceState();
            LmState b = model.newState();
            for (int i = 0; i < r.options().maxTokens(); i++) {
                int w = Sampler.distribution(model, a, r.options()).draw(random.nextDouble());
                if (w == Vocabulary.EOS) {
                    break;
                }
                words.add(v.token(w));
                event(out, json, "token", s, "token", v.token(w));
                model.scoreLog10(a, w, b);
                LmState t = a;
                a = b;
                b = t;
            }
            event(out, json, "sentence", s, "text", String.join(" ", words));
        }
        out.write("event: done\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        return true;
    }

    private static void event(OutputStream out, Json json, String event, int sentence, String field, String value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(("event: " + event + "\ndata: ").getBytes(StandardCharsets.UTF_8));
        try (JsonGenerator g = json.generator(bytes)) {
            g.writeStartObject();
            g.writeNumberField("sentence", sentence);
            g.writeStringField(field, value);
            g.writeEndObject();
        }
        bytes.write("\n\n".getBytes(StandardCharsets.UTF_8));
        out.write(bytes.toByteArray());
        out.flush();
    }

    private static long integer(JsonParser p, JsonToken t, String field, long lo, long hi) throws IOException, HttpError {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw new HttpError(400, "\"" + field + "\" is " + Json.describe(p, t) + "; expected an integer from " + lo + " to " + hi);
        }
        long v;
        try {
            v = p.getLongValue();
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "\"" + field + "\" is " + Json.excerpt(p.getText()) + "; expected an integer from " + lo + " to " + hi);
        }
        if (v < lo || v > hi) {
            throw new HttpError(400, "\"" + field + "\" is " + v + "; expected an integer from " + lo + " to " + hi);
        }
        return v;
    }

    @Override
    public void close() {
        // n-gram and LSTM language models hold heap memory only
    }
}
