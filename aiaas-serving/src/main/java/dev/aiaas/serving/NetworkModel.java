package dev.aiaas.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.Predictor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A network served through its {@link Predictor} (thread-safe: request threads call it at
 * once, each getting what it would get alone), or through a {@link Batcher} when
 * micro-batching is on. {@code :predict} takes {@code {"instances": [x₀, x₁, ...]}}, each xᵢ
 * one example: a flat array of the input's {@code ∏ inputShape} numbers, or arrays nested as
 * the input shape; it answers {@code {"predictions": [y₀, y₁, ...]}}, each yᵢ the example's
 * outputs (float32), nested as the output shape.
 */
final class NetworkModel extends ServedModel {

    private static final String EXAMPLE = "{\"instances\": [[0.1, 0.2, ...], ...]}";

    private final Predictor predictor;
    private final long[] inputShape;
    private final long[] outputShape;
    private final String dtype;
    private final int in;
    private final int out;
    private final int maxInstances;
    private final Batcher batcher;

    NetworkModel(String name, Path file, long version, Model model, Map<String, String> provenance, ServerConfig config) {
        super(name, file, version, provenance);
        this.predictor = predictor(model, config);
        this.inputShape = model.inputShape();
        this.outputShape = model.outputShape();
        this.dtype = model.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE ? "float64" : "float32";
        this.in = Math.toIntExact(Arrays.stream(inputShape).reduce(1, Math::multiplyExact));
        this.out = Math.toIntExact(Arrays.stream(outputShape).reduce(1, Math::multiplyExact));
        this.maxInstances = config.maxInstances();
        this.batcher = config.batching() ? new Batcher(name, predictor, in, out, config.maxBatch(), config.maxDelay(), config.requestTimeout())
                : null;
    }

    /**
     * The served predictor. Without micro-batching and with more than one request thread, each
     * call runs on its request thread alone ({@link Model#predictor(int)} with 1): the requests
     * in flight keep the cores busy, and a call shared with a pool worker leaves that worker
     * spinning for the next call at the other requests' expense (server CPU per batch-1 request
     * 65-90 us against 98-162 us, docs/benchmarks.md). A batched run, or a server with a single
     * request thread, uses the {@code aiaas.threads} setting.
     */
    static Predictor predictor(Model model, ServerConfig config) {
        return config.batching() || config.threads() == 1 ? model.predictor() : model.predictor(1);
    }

    /** The predictor, for tests. */
    Predictor predictor() {
        return predictor;
    }

    @Override
    String kind() {
        return "network";
    }

    @Override
    List<String> verbs() {
        return List.of("predict");
    }

    @Override
    void writeSignature(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("inputs");
        writeShape(g, inputShape);
        g.writeStringField("dtype", dtype);
        g.writeEndObject();
        g.writeObjectFieldStart("outputs");
        writeShape(g, outputShape);
        g.writeStringField("dtype", "float32");
        g.writeEndObject();
        g.writeStringField("predictor", predictor.kernel());
    }

    private static void writeShape(JsonGenerator g, long[] shape) throws IOException {
        g.writeArrayFieldStart("shape");
        g.writeNumber(-1);
        for (long s : shape) {
            g.writeNumber(s);
        }
        g.writeEndArray();
    }

    @Override
    byte[] call(String verb, byte[] body, Json json, ServerMetrics metrics) throws HttpError, IOException {
        float[] x = parse(body, json);
        int rows = x.length / in;
        float[] y;
        if (batcher != null) {
            y = batcher.predict(x, rows, metrics);
        } else {
            metrics.batch(name, rows);
            try {
                y = predictor.predict(x);
            } catch (IllegalStateException e) {
                throw new HttpError(503, "model " + name + " is shutting down; retry on another server", "1");
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + y.length * 12);
        try (JsonGenerator g = json.generator(bytes)) {
            g.writeStartObject();
            g.writeArrayFieldStart("predictions");
            for (int r = 0; r < rows; r++) {
                writeNested(g, y, r * out, 0);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }

    /** Writes {@code outputShape[dim..]} values from {@code y[pos..]} as nested arrays; returns the position after them. */
    private int writeNested(JsonGenerator g, float[] y, int pos, int dim) throws IOException {
        g.writeStartArray();
        int n = (int) outputShape[dim];
        if (dim == outputShape.length - 1) {
            for (int i = 0; i < n; i++) {
                g.writeNumber(y[pos++]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                pos = writeNested(g, y, pos, dim + 1);
            }
        }
        g.writeEndArray();
        return pos;
    }

    /** The instances of a {@code :predict} body, row after row. */
    float[] parse(byte[] body, Json json) throws HttpError, IOException {
        try (JsonParser p = json.parser(body)) {
            Json.startObject(p, EXAMPLE);
            float[] x = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("instances")) {
                    if (x != null) {
                        throw new HttpError(400, "\"instances\" is given twice; give it once");
                    }
                    x = instances(p, t);
                } else if (field.equals("signature_name")) {
                    if (t != JsonToken.VALUE_STRING) {
                        throw new HttpError(400, "\"signature_name\" is " + Json.describe(p, t) + "; expected a string (it is ignored)");
                    }
                } else {
                    throw new HttpError(400, "unknown field \"" + Json.excerpt(field) + "\"; a predict request has \"instances\" "
                            + "(and optionally \"signature_name\"), as in " + EXAMPLE);
                }
            }
            Json.end(p);
            if (x == null) {
                throw new HttpError(400, "the body has no \"instances\"; send " + EXAMPLE);
            }
            return x;
        } catch (JsonProcessingException e) {
            throw json.badJson(e);
        }
    }

    private float[] instances(JsonParser p, JsonToken t) throws IOException, HttpError {
        if (t != JsonToken.START_ARRAY) {
            throw new HttpError(400, "\"instances\" is " + Json.describe(p, t) + "; expected an array of instances, as in " + EXAMPLE);
        }
        float[] x = new float[Math.multiplyExact(in, Math.min(maxInstances, 16))];
        int n = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n == maxInstances) {
                throw new HttpError(400, "more than " + maxInstances + " instances; this server takes at most " + maxInstances
                        + " per request: split the request");
            }
            if (t != JsonToken.START_ARRAY) {
                throw new HttpError(400, "instance " + n + " is " + Json.describe(p, t) + "; expected an array of " + in
                        + " numbers (input shape " + Arrays.toString(inputShape) + ")");
            }
            if ((long) (n + 1) * in > x.length) {
                x = Arrays.copyOf(x, (int) Math.min((long) maxInstances * in, 2L * x.length));
            }
            instance(p, x, n);
            n++;
        }
        if (n == 0) {
            throw new HttpError(400, "\"instances\" is empty; send at least one instance of " + in + " numbers");
        }
        return n * in == x.length ? x : Arrays.copyOf(x, n * in);
    }

    /** Reads instance {@code n} (its START_ARRAY read) into x: flat, or nested as the input shape. */
    private void instance(JsonParser p, float[] x, int n) throws IOException, HttpError {
        int base = n * in;
        JsonToken t = p.nextToken();
        if (t == JsonToken.START_ARRAY && inputShape.length > 1) {
            int end = elements(p, t, x, base, 0, n, "");
            if (end != base + in) {
                throw new IllegalStateException("nested read " + (end - base) + " values of " + in);
            }
            return;
        }
        int i = 0;
        for (; t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (i == in) {
                throw new HttpError(400, "instance " + n + " has more than " + in + " values; expected " + in + " (input shape "
                        + Arrays.toString(inputShape) + ")");
            }
            x[base + i] = value(p, t, n, null, i);
            i++;
        }
        if (i != in) {
            throw new HttpError(400, "instance " + n + " has " + i + " values; expected " + in + " (input shape " + Arrays.toString(inputShape)
                    + "), as a flat array or nested as the input shape");
        }
    }

    /**
     * A value of instance n: a finite number, read without building any text; the message (value
     * i of a flat instance, or {@code at[i]} of a nested one) is made only when it is not.
     */
    private static float value(JsonParser p, JsonToken t, int n, String at, int i) throws IOException, HttpError {
        if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
            float v = p.getFloatValue();
            if (Float.isFinite(v)) {
                return v;
            }
        }
        return Json.finiteFloat(p, t, "instance " + n + (at == null ? ", value " + i : at + "[" + i + "]"));
    }

    /** Reads the array at dimension {@code dim} (its START_ARRAY is {@code t}, already read); returns the next position in x. */
    private int nested(JsonParser p, JsonToken t, float[] x, int pos, int dim, int n, String at) throws IOException, HttpError {
        if (t != JsonToken.START_ARRAY) {
            throw new HttpError(400, "instance " + n + at + " is " + Json.describe(p, t) + "; expected an array of " + inputShape[dim]
                    + " (input shape " + Arrays.toString(inputShape) + ")");
        }
        return elements(p, p.nextToken(), x, pos, dim, n, at);
    }

    /** Reads the elements of an array at dimension {@code dim}, the first being {@code t}, through its END_ARRAY. */
    private int elements(JsonParser p, JsonToken t, float[] x, int pos, int dim, int n, String at) throws IOException, HttpError {
        int size = (int) inputShape[dim];
        int i = 0;
        for (; t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (i == size) {
                throw new HttpError(400, "instance " + n + at + " has more than " + size + " entries; expected " + size + " (input shape "
                        + Arrays.toString(inputShape) + ")");
            }
            if (dim == inputShape.length - 1) {
                x[pos++] = value(p, t, n, at, i);
            } else {
                pos = nested(p, t, x, pos, dim + 1, n, at + "[" + i + "]");
            }
            i++;
        }
        if (i != size) {
            throw new HttpError(400, "instance " + n + at + " has " + i + " entries; expected " + size + " (input shape "
                    + Arrays.toString(inputShape) + ")");
        }
        return pos;
    }

    @Override
    public void close() {
        if (batcher != null) {
            batcher.close();
        }
        predictor.close();
    }
}
