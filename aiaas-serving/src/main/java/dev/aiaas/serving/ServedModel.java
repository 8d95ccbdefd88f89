package dev.aiaas.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A model as the server serves it: its name, file, version and provenance for the status and
 * metadata routes, and the verbs it answers ({@code predict} for a network, {@code score} and
 * {@code generate} for a language model). Each kind is its own subclass; the server only calls
 * {@link #call}.
 */
abstract class ServedModel implements AutoCloseable {

    final String name;
    final Path file;
    final long version;
    final Map<String, String> provenance;

    ServedModel(String name, Path file, long version, Map<String, String> provenance) {
        this.name = name;
        this.file = file;
        this.version = version;
        this.provenance = Map.copyOf(provenance);
    }

    /** What kind of model this is, for the metadata ("network", "ngram", "lstm-lm"). */
    abstract String kind();

    /** The verbs of {@code POST /v1/models/NAME:VERB} it answers. */
    abstract List<String> verbs();

    /** Writes the fields {@code "inputs"} and {@code "outputs"} of the metadata. */
    abstract void writeSignature(JsonGenerator g) throws IOException;

    /**
     * Answers {@code POST /v1/models/NAME:verb}.
     *
     * @param verb    one of {@link #verbs()}
     * @param body    the request body
     * @param json    the parser factory with the server's limits
     * @param metrics where to count rows
     * @return the response body, JSON
     * @throws HttpError   a 4xx/5xx answer
     * @throws IOException when writing JSON fails
     */
    abstract byte[] call(String verb, byte[] body, Json json, ServerMetrics metrics) throws HttpError, IOException;

    /**
     * Answers {@code POST /v1/models/NAME:verb} by streaming into the exchange (sending its
     * headers), when the request asks for that; by default never.
     *
     * @return true when the answer was sent; false to answer with {@link #call}
     * @throws HttpError   a 4xx answer, before anything was sent
     * @throws IOException when writing fails
     */
    boolean stream(String verb, byte[] body, Json json, ServerMetrics metrics, HttpExchange ex) throws HttpError, IOException {
        return false;
    }

    @Override
    public abstract void close();
}
