package dev.aiaas.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.aiaas.core.data.Feature;
import dev.aiaas.core.data.Preprocessor;
import dev.aiaas.core.data.UnknownCategory;
import dev.aiaas.core.math.MathOps;
import dev.aiaas.core.nn.Predictor;
import dev.aiaas.core.tabular.TabularModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A table classifier ({@code aiaas train --csv}) served by column name: {@code :predict} takes
 * {@code {"instances": [{"sepal_length": 5.1, "species_hint": "x", ...}, ...]}}, each instance an
 * object with every input column (numbers or strings; other keys, the label's among them, are
 * ignored, as {@code aiaas predict} ignores other CSV columns), preprocessed as in training
 * (standardisation, one-hot categories; a category unseen in training is a 400), and answers
 * {@code {"predictions": [[raw outputs...], ...], "labels": ["setosa", ...]}}: the network's raw
 * outputs per row, as {@code aiaas predict} writes them (through the thread-safe
 * {@link Predictor}, so within float32 rounding of its figures), and the class each names, in
 * the label column's own text. Not micro-batched.
 */
final class TableModel extends ServedModel {

    private static final String EXAMPLE = "{\"instances\": [{\"column\": value, ...}, ...]}";

    private final Predictor predictor;
    private final Preprocessor preprocessor;
    private final List<String> columns;
    private final int in;
    private final int out;
    private final int maxInstances;

    TableModel(String name, Path file, long version, TabularModel model, Map<String, String> provenance, ServerConfig config) {
        super(name, file, version, provenance);
        this.predictor = NetworkModel.predictor(model.model(), config);
        this.preprocessor = model.preprocessor();
        this.columns = preprocessor.features().stream().map(Feature::name).toList();
        this.in = preprocessor.width();
        this.out = model.labels().size();
        this.maxInstances = config.maxInstances();
    }

    @Override
    String kind() {
        return "table-classifier";
    }

    @Override
    List<String> verbs() {
        return List.of("predict");
    }

    @Override
    void writeSignature(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("inputs");
        g.writeArrayFieldStart("columns");
        for (String c : columns) {
            g.writeString(c);
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeObjectFieldStart("outputs");
        g.writeArrayFieldStart("shape");
        g.writeNumber(-1);
        g.writeNumber(out);
        g.writeEndArray();
        g.writeStringField("dtype", "float32");
        g.writeArrayFieldStart("classes");
        for (String c : preprocessor.labels().classes()) {
            g.writeString(c);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    @Override
    byte[] call(String verb, byte[] body, Json json, ServerMetrics metrics) throws HttpError, IOException {
        List<Map<String, String>> rows = parse(body, json);
        float[] x = new float[Math.multiplyExact(rows.size(), in)];
        for (int r = 0; r < rows.size(); r++) {
            float[] f;
            try {
                f = preprocessor.transform(rows.get(r), UnknownCategory.ERROR);
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "instance " + r + ": " + e.getMessage());
            }
            System.arraycopy(f, 0, x, r * in, in);
        }
        metrics.batch(name, rows.size());
        float[] y;
        try {
            y = predictor.predict(x);
        } catch (IllegalStateException e) {
            throw new HttpError(503, "model " + name + " is shutting down; retry on another server", "1");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = json.generator(bytes)) {
            g.writeStartObject();
            g.writeArrayFieldStart("predictions");
            for (int r = 0; r < rows.size(); r++) {
                g.writeStartArray();
                for (int j = 0; j < out; j++) {
                    g.writeNumber(y[r * out + j]);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("labels");
            for (int r = 0; r < rows.size(); r++) {
                float[] row = new float[out];
                System.arraycopy(y, r * out, row, 0, out);
                g.writeString(preprocessor.labels().decode(MathOps.argmax(row)));
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }

    private List<Map<String, String>> parse(byte[] body, Json json) throws HttpError, IOException {
        try (JsonParser p = json.parser(body)) {
            Json.startObject(p, EXAMPLE);
            List<Map<String, String>> rows = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("instances")) {
                    if (t != JsonToken.START_ARRAY) {
                        throw new HttpError(400, "\"instances\" is " + Json.describe(p, t) + "; expected an array of objects, as in " + EXAMPLE);
                    }
                    rows = new ArrayList<>();
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (rows.size() == maxInstances) {
                            throw new HttpError(400, "more than " + maxInstances + " instances; this server takes at most " + maxInstances
                                    + " per request: split the request");
                        }
                        rows.add(row(p, t, rows.size()));
                    }
                } else if (field.equals("signature_name")) {
                    if (t != JsonToken.VALUE_STRING) {
                        throw new HttpError(400, "\"signature_name\" is " + Json.describe(p, t) + "; expected a string (it is ignored)");
                    }
                } else {
                    throw new HttpError(400, "unknown field \"" + Json.excerpt(field) + "\"; a predict request has \"instances\", as in "
                            + EXAMPLE);
                }
            }
            Json.end(p);
            if (rows == null || rows.isEmpty()) {
                throw new HttpError(400, "no instances; send " + EXAMPLE + " with the columns " + columns);
            }
            return rows;
        } catch (JsonProcessingException e) {
            throw json.badJson(e);
        }
    }

    /** One instance object: every input column, as text. */
    private Map<String, String> row(JsonParser p, JsonToken t, int n) throws IOException, HttpError {
        if (t != JsonToken.START_OBJECT) {
            throw new HttpError(400, "instance " + n + " is " + Json.describe(p, t) + "; this model takes an object of column values "
                    + "with the columns " + columns);
        }
        Map<String, String> row = new HashMap<>();
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String column = p.currentName();
            t = p.nextToken();
            boolean input = columns.contains(column);
            if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                if (input) {
                    row.put(column, p.getText());
                }
            } else if (input) {
                throw new HttpError(400, "instance " + n + ", column \"" + Json.excerpt(column) + "\" is " + Json.describe(p, t)
                        + "; expected a number or a string");
            } else {
                p.skipChildren();
            }
        }
        for (String c : columns) {
            if (!row.containsKey(c)) {
                throw new HttpError(400, "instance " + n + " has no column \"" + c + "\"; this model takes the columns " + columns);
            }
        }
        return row;
    }

    @Override
    public void close() {
        predictor.close();
    }
}
