package dev.aiaas.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.aiaas.onnx.Embedder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A sentence encoder (a BERT-family ONNX file imported into aiaas layers, with its
 * {@code tokenizer.json}) served through an {@link Embedder}.
 *
 * <p>{@code :embed} takes {@code {"sentences": ["A cat sat.", ...]}} and answers
 * {@code {"embeddings": [[v₀, ..., v_{D−1}], ...]}}, one vector per sentence in order (mean
 * pooled and L2-normalised by default, as {@code aiaas embed} writes them). {@code :predict}
 * takes TF Serving's shape, {@code {"instances": ["A cat sat.", ...]}}, and answers
 * {@code {"predictions": [[...], ...]}} with the same vectors.
 *
 * <p>Requests run one at a time on the encoder (its working buffers are not shared); the
 * tokenizer runs on the request threads in parallel.
 */
final class EncoderModel extends ServedModel {

    private final Embedder embedder;
    private final int maxSentences;

    EncoderModel(String name, Path file, long version, Embedder embedder, Map<String, String> provenance, ServerConfig config) {
        super(name, file, version, provenance);
        this.embedder = embedder;
        this.maxSentences = config.maxInstances();
    }

    @Override
    String kind() {
        return "encoder";
    }

    @Override
    List<String> verbs() {
        return List.of("embed", "predict");
    }

    @Override
    void writeSignature(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("inputs");
        g.writeStringField("sentences", "strings (\"instances\" for :predict)");
        g.writeEndObject();
        g.writeObjectFieldStart("outputs");
        g.writeArrayFieldStart("shape");
        g.writeNumber(-1);
        g.writeNumber(embedder.dimension());
        g.writeEndArray();
        g.writeStringField("dtype", "float32");
        g.writeEndObject();
        g.writeStringField("pooling", embedder.options().pooling().toString());
        g.writeBooleanField("normalize", embedder.options().normalize());
        g.writeNumberField("max_tokens", embedder.options().maxTokens());
        g.writeNumberField("layers", embedder.config().layers());
        g.writeNumberField("vocabulary_size", embedder.config().vocabSize());
    }

    @Override
    byte[] call(String verb, byte[] body, Json json, ServerMetrics metrics) throws HttpError, IOException {
        boolean predict = verb.equals("predict");
        String field = predict ? "instances" : "sentences";
        List<String> sentences;
        try {
            sentences = parse(body, json, field);
        } catch (JsonProcessingException e) {
            throw json.badJson(e);
        }
        metrics.batch(name, sentences.size());
        float[][] v;
        try {
            v = embedder.embed(sentences);
        } catch (IllegalStateException e) {
            throw new HttpError(503, "model " + name + " is shutting down; retry on another server", "1");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + v.length * embedder.dimension() * 12);
        try (JsonGenerator g = json.generator(bytes)) {
            g.writeStartObject();
            g.writeArrayFieldStart(predict ? "predictions" : "embeddings");
            for (float[] row : v) {
                g.writeStartArray();
                for (float x : row) {
                    g.writeNumber(x);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }

    private List<String> parse(byte[] body, Json json, String field) throws HttpError, IOException {
        String example = "{\"" + field + "\": [\"A cat sat.\", ...]}";
        List<String> sentences = null;
        try (JsonParser p = json.parser(body)) {
            Json.startObject(p, example);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                if (!f.equals(field)) {
                    throw new HttpError(400, "unknown field \"" + Json.excerpt(f) + "\"; this request has one field, as in " + example);
                }
                if (t != JsonToken.START_ARRAY) {
                    throw new HttpError(400, "\"" + field + "\" is " + Json.describe(p, t) + "; expected an array of strings, as in "
                            + example);
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
            }
            Json.end(p);
        }
        if (sentences == null || sentences.isEmpty()) {
            throw new HttpError(400, "no sentences to embed; send " + example);
        }
        return sentences;
    }

    @Override
    public void close() {
        embedder.close();
    }
}
