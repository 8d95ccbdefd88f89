package dev.aiaas.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The server's JSON: Jackson's streaming parser and generator (no object mapping, so nothing is
 * built from a request but what the handler reads from it), with the limits of a
 * {@link ServerConfig}: nesting depth, number and string lengths.
 */
final class Json {

    private final JsonFactory factory;
    private final int maxDepth;

    Json(ServerConfig config) {
        this.maxDepth = config.maxJsonDepth();
        StreamReadConstraints limits = StreamReadConstraints.builder()
                .maxNestingDepth(config.maxJsonDepth())
                .maxNumberLength(64)
                .maxStringLength(config.maxBodyBytes())
                .build();
        // the fast parser (FastDoubleParser, bundled in jackson-core) rounds correctly, as
        // Float.parseFloat does, at several times its speed: reading 784 numbers was most of a request's time
        factory = JsonFactory.builder().streamReadConstraints(limits).enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();
    }

    /** A parser over a request body. */
    JsonParser parser(byte[] body) throws IOException {
        return factory.createParser(body);
    }

    /** A generator writing into {@code out}. */
    JsonGenerator generator(ByteArrayOutputStream out) throws IOException {
        return factory.createGenerator(out);
    }

    /** A failure of the parser as a 400 naming where the body went wrong. */
    HttpError badJson(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return new HttpError(400, "the JSON body exceeds a limit: " + e.getOriginalMessage() + " (this server allows nesting "
                    + maxDepth + " deep; send flatter JSON)");
        }
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        String hint = e instanceof JsonParseException ? "; expected well-formed JSON (numbers must be finite: NaN and Infinity are not JSON)" : "";
        return new HttpError(400, "malformed JSON" + where + ": " + e.getOriginalMessage() + hint);
    }

    /** The next token, which must begin the body's one object. */
    static void startObject(JsonParser p, String example) throws IOException, HttpError {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw new HttpError(400, "the body must be a JSON object such as " + example + "; got " + describe(p, t));
        }
    }

    /** After the body's object: nothing may follow. */
    static void end(JsonParser p) throws IOException, HttpError {
        JsonToken t = p.nextToken();
        if (t != null) {
            throw new HttpError(400, "unexpected " + describe(p, t) + " after the body's JSON object; send one object");
        }
    }

    /** A token for a message: its kind and, for a scalar, its text (shortened). */
    static String describe(JsonParser p, JsonToken t) throws IOException {
        if (t == null) {
            return "the end of the body";
        }
        switch (t) {
            case START_ARRAY:
                return "an array";
            case START_OBJECT:
                return "an object";
            case END_ARRAY:
            case END_OBJECT:
                return "the end of " + (t == JsonToken.END_ARRAY ? "an array" : "an object");
            case VALUE_STRING:
                return "the string \"" + excerpt(p.getText()) + "\"";
            case VALUE_NULL:
                return "null";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "the boolean " + p.getText();
            case FIELD_NAME:
                return "the field \"" + excerpt(p.getText()) + "\"";
            default:
                return "the number " + excerpt(p.getText());
        }
    }

    static String excerpt(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** Reads a number token as a finite float, or fails naming {@code what}. */
    static float finiteFloat(JsonParser p, JsonToken t, String what) throws IOException, HttpError {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new HttpError(400, what + " is " + describe(p, t) + "; expected a number");
        }
        float v = p.getFloatValue();
        if (!Float.isFinite(v)) {
            throw new HttpError(400, what + " is " + excerpt(p.getText()) + ", beyond float32's range (about ±3.4e38); expected a finite number");
        }
        return v;
    }
}
