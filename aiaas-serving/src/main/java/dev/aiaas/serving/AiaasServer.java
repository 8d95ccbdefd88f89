package dev.aiaas.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.tabular.TabularModel;
import dev.aiaas.nlp.lm.LstmLanguageModel;
import dev.aiaas.nlp.lm.TransformerLanguageModel;
import dev.aiaas.nlp.lm.NgramModel;
import dev.aiaas.onnx.Embedder;
import dev.aiaas.onnx.EmbedderOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded inference server: the models of a {@link ServerConfig} over HTTP/1.1, in TF
 * Serving's REST shape, on the JDK's {@code com.sun.net.httpserver} (no dependency).
 *
 * <pre>{@code
 * try (AiaasServer server = AiaasServer.start(ServerConfig.builder()
 *         .model("fashion", Path.of("fashion.aiaas")).tokenFile(Path.of("tokens.txt")).port(0).build())) {
 *     int port = server.port();   // POST http://127.0.0.1:PORT/v1/models/fashion:predict
 * }
 * }</pre>
 *
 * <p>Routes (every answer JSON but {@code /metrics}; every error {@code {"error": "..."}}):
 * <ul>
 *   <li>{@code POST /v1/models/NAME:predict} {@code {"instances": [[...], ...]}} →
 *       {@code {"predictions": [[...], ...]}} (a network: {@link NetworkModel}; a table
 *       classifier takes objects of column values: {@link TableModel});
 *       {@code :score} and {@code :generate} for a language model ({@link LanguageModelEndpoint});
 *       {@code :embed} {@code {"sentences": [...]}} → {@code {"embeddings": [[...], ...]}} for a
 *       sentence encoder given as {@code NAME=FILE.onnx} with its {@code tokenizer.json} beside it
 *       ({@link EncoderModel});</li>
 *   <li>{@code GET /v1/models/NAME}: the version's status, as TF Serving gives it;
 *       {@code GET /v1/models/NAME/metadata}: kind, inputs, outputs, provenance;</li>
 *   <li>{@code GET /healthz} (the process answers), {@code GET /readyz} (models loaded, not
 *       closing): no token needed; {@code GET /metrics}: Prometheus text format.</li>
 * </ul>
 * Status codes: 400 (bad JSON, shape or value, naming it), 401 (no or wrong token; the answer
 * does not say which), 404 (no such model or route; names are looked up among the served models
 * only), 405 (wrong method, with {@code Allow}), 413 (body over the limit, refused before it is
 * read when its length is declared), 503 with {@code Retry-After} (queue full, timed out
 * waiting, or closing), 500 (a fault of the server, logged).
 *
 * <p>Threads: {@link ServerConfig#threads()} request threads each take a request, read it,
 * predict and answer; up to {@link ServerConfig#queueCapacity()} more wait for one, and a request
 * beyond that is answered 503 at once by the JDK's dispatcher thread without reading its body.
 * A request that waited longer than {@link ServerConfig#requestTimeout()} is answered 503.
 * The JDK server reads this JVM's {@code sun.net.httpserver.*} properties once: this class sets
 * {@code sun.net.httpserver.nodelay=true} (without it every answer waits about 40 ms for the
 * client's delayed ACK) and {@code sun.net.httpserver.maxReqTime=30} (seconds to send a
 * request, against clients that send slowly), unless they are set already, before the server
 * class is loaded: make the first server of a JVM through this class.
 *
 * <p>A model given as a folder of numbered versions is served at its highest version and
 * reloaded while serving ({@link ModelSlot}).
 *
 * <p>With a key store ({@link ServerConfig#tls()}) it speaks HTTPS only (the JDK's
 * {@code HttpsServer}, the JVM's default TLS protocols and ciphers).
 *
 * <p>{@link #close()} is graceful: readiness turns false, no new connection is taken, requests
 * being handled finish (for up to the request timeout), then the models are closed.
 */
public final class AiaasServer implements AutoCloseable {

    static {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", "30");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(AiaasServer.class);
    private static final String PREFIX = "/v1/models/";
    private static final ThreadLocal<Boolean> REJECTED = new ThreadLocal<>();
    private static final ThreadLocal<long[]> QUEUED_AT = new ThreadLocal<>();

    private final ServerConfig config;
    private final Map<String, ModelSlot> models;
    private final ScheduledExecutorService reloader;
    private final Tokens tokens;
    private final Json json;
    private final ThreadPoolExecutor pool;
    private final ServerMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final HttpServer http;
    private volatile boolean ready;
    private volatile boolean closed;

    private AiaasServer(ServerConfig config, Map<String, ModelSlot> models) throws IOException {
        this.config = config;
        this.models = models;
        this.tokens = config.auth() ? new Tokens(config.tokens()) : null;
        this.json = new Json(config);
        BlockingQueue<Runnable> queue = config.queueCapacity() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(config.queueCapacity());
        AtomicInteger n = new AtomicInteger();
        // with micro-batching, a request thread mostly waits for its batch: maxBatch more of them
        // let a batch fill up from that many concurrent requests
        int threads = config.threads() + (config.batching() ? config.maxBatch() : 0);
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, queue, r -> {
            Thread t = new Thread(r, "aiaas-serve-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.metrics = new ServerMetrics(() -> pool.getQueue().size(), inFlight::get);
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        if (config.tls()) {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(sslContext(config)));
            this.http = https;
        } else {
            this.http = HttpServer.create(address, 0);
        }
        http.setExecutor(this::dispatch);
        http.createContext("/", this::handle);
        http.start();
        ready = true;
        if (models.values().stream().anyMatch(m -> m.versioned)) {
            reloader = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "aiaas-reload");
                t.setDaemon(true);
                return t;
            });
            long every = config.reloadInterval().toMillis();
            reloader.scheduleWithFixedDelay(this::reload, every, every, TimeUnit.MILLISECONDS);
        } else {
            reloader = null;
        }
    }

    /** Serves the newest version of each versioned model, loading it beside the one serving now. */
    private void reload() {
        for (ModelSlot slot : models.values()) {
            if (!slot.versioned || closed) {
                continue;
            }
            try {
                ModelSlot.Version v = ModelSlot.latest(slot.path);
                if (v != null && v.number() > slot.peek().version) {
                    ServedModel next = load(slot.name, v.file(), config, v.number());
                    slot.replace(next);
                    LOG.info("model {}: now serving version {} ({})", slot.name, v.number(), v.file());
                }
            } catch (IOException | RuntimeException e) {
                // a half-written or bad version: keep serving the current one, try again next time
                LOG.warn("model {}: cannot load a new version from {}: {}", slot.name, slot.path, e.toString());
            }
        }
    }

    /**
     * Loads the models of {@code config} and starts serving them.
     *
     * @param config the settings
     * @return the running server; close it to stop
     * @throws IOException              when a model file cannot be read, or the address cannot be bound
     * @throws IllegalArgumentException when a model file is of a kind the server cannot serve
     */
    public static AiaasServer start(ServerConfig config) throws IOException {
        Map<String, ModelSlot> loaded = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Path> e : config.models().entrySet()) {
                Path path = e.getValue();
                ServedModel first;
                if (Files.isDirectory(path)) {
                    ModelSlot.Version v = ModelSlot.latest(path);
                    if (v == null) {
                        throw new java.nio.file.NoSuchFileException(path.toString(), null, "model " + e.getKey() + ": the folder has no "
                                + "version; put the model file in a numbered sub-folder, for example " + path.resolve("1").resolve("model.aiaas"));
                    }
                    first = load(e.getKey(), v.file(), config, v.number());
                } else {
                    first = load(e.getKey(), path, config, 1);
                }
                loaded.put(e.getKey(), new ModelSlot(e.getKey(), path, first));
            }
            return new AiaasServer(config, Map.copyOf(loaded));
        } catch (IOException | RuntimeException e) {
            loaded.values().forEach(ModelSlot::close);
            throw e;
        }
    }

    /** The TLS context of the config's key store; a store that cannot be opened is an IOException naming it. */
    private static SSLContext sslContext(ServerConfig config) throws IOException {
        char[] password = config.keyStorePassword().toCharArray();
        try {
            KeyStore store = KeyStore.getInstance(config.keyStore().toFile(), password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("cannot use the key store " + config.keyStore() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException("cannot read the key store " + config.keyStore() + ": " + e.getMessage()
                    + " (a wrong password reads as a corrupt store)", e);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    /** Loads one model file as the kind its contents say. */
    static ServedModel load(String name, Path file, ServerConfig config, long version) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "model " + name + ": no such file; give NAME=FILE with an "
                    + "existing model file");
        }
        byte[] head = new byte[8];
        int got;
        try (InputStream in = Files.newInputStream(file)) {
            got = in.readNBytes(head, 0, head.length);
        }
        if (got == 8 && new String(head, StandardCharsets.US_ASCII).equals("AIAASMDL")) {
            Map<String, String> provenance = ModelIO.provenance(file);
            if (LstmLanguageModel.KIND.equals(provenance.get("lm.kind"))) {
                return new LanguageModelEndpoint(name, file, version, LstmLanguageModel.load(file), "lstm-lm", provenance, config);
            }
            if (TransformerLanguageModel.KIND.equals(provenance.get("lm.kind"))) {
                return new LanguageModelEndpoint(name, file, version, TransformerLanguageModel.load(file), "transformer-lm", provenance,
                        config);
            }
            if (TabularModel.isTabular(provenance)) {
                try (TabularModel t = TabularModel.load(file)) {
                    return new TableModel(name, file, version, t, provenance, config);
                }
            }
            try (Model m = ModelIO.load(file)) {
                return new NetworkModel(name, file, version, m, provenance, config);
            }
        }
        if (file.getFileName().toString().endsWith(".onnx")) {
            Path tokenizer = Embedder.tokenizerBeside(file).orElseThrow(() -> new java.nio.file.NoSuchFileException(file.toString(),
                    null, "model " + name + ": an ONNX encoder needs its tokenizer.json beside it, named " + stem(file)
                    + "-tokenizer.json or tokenizer.json"));
            Embedder e;
            try {
                e = Embedder.load(file, tokenizer, EmbedderOptions.defaults());
            } catch (IllegalArgumentException x) {
                throw new IOException("model " + name + ": " + x.getMessage(), x);
            }
            return new EncoderModel(name, file, version, e, Map.of("format", "onnx", "tokenizer", tokenizer.getFileName().toString()),
                    config);
        }
        NgramModel ngram = NgramModel.readArpa(file);
        return new LanguageModelEndpoint(name, file, version, ngram, "ngram", Map.of("order", Integer.toString(ngram.order())), config);
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        return n.substring(0, n.length() - ".onnx".length());
    }

    /**
     * The port the server listens on (the one chosen when the config asked for port 0).
     *
     * @return the bound port
     */
    public int port() {
        return http.getAddress().getPort();
    }

    /**
     * The settings the server runs with.
     *
     * @return the config
     */
    public ServerConfig config() {
        return config;
    }

    /**
     * The names of the served models, in the config's order.
     *
     * @return the names
     */
    public List<String> modelNames() {
        return new ArrayList<>(config.models().keySet());
    }

    /** The model served under a name now, for tests. */
    ServedModel model(String name) {
        return models.get(name).peek();
    }

    /** Requests being handled now, for tests. */
    int inFlight() {
        return inFlight.get();
    }

    /** Requests waiting for a thread now, for tests. */
    int queued() {
        return pool.getQueue().size();
    }

    /** The JDK server's executor: the pool, or, when its queue is full, a 503 on the dispatcher thread. */
    private void dispatch(Runnable exchange) {
        long at = System.nanoTime();
        try {
            pool.execute(() -> {
                QUEUED_AT.set(new long[] {at});
                try {
                    exchange.run();
                } finally {
                    QUEUED_AT.remove();
                }
            });
        } catch (RejectedExecutionException e) {
            REJECTED.set(Boolean.TRUE);
            try {
                exchange.run();
            } finally {
                REJECTED.remove();
            }
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        long start = System.nanoTime();
        String model = "";
        String route = "other";
        int code = 500;
        inFlight.incrementAndGet();
        try {
            String path = ex.getRequestURI().getRawPath();
            route = route(path);
            if (path.startsWith(PREFIX)) {
                model = knownModel(path);
            }
            code = serve(ex, path);
        } catch (HttpError e) {
            code = e.status;
            error(ex, e);
        } catch (IOException e) {
            code = 499; // the client went away while we read or wrote
            LOG.debug("I/O error on {}: {}", ex.getRequestURI(), e.toString());
        } catch (RuntimeException e) {
            code = 500;
            LOG.error("internal error on " + ex.getRequestMethod() + " " + ex.getRequestURI(), e);
            try {
                error(ex, new HttpError(500, "internal error: " + e.getClass().getSimpleName() + "; see the server's log"));
            } catch (IOException ignored) {
                // the client is gone
            }
        } finally {
            ex.close();
            inFlight.decrementAndGet();
            metrics.request(model, route, code, System.nanoTime() - start);
        }
    }

    /** The route label of a path, for metrics. */
    private static String route(String path) {
        if (path.startsWith(PREFIX)) {
            int colon = path.indexOf(':');
            if (colon < 0) {
                return path.endsWith("/metadata") ? "metadata" : "status";
            }
            String verb = path.substring(colon + 1);
            return switch (verb) {
                case "predict", "score", "generate", "embed" -> verb;
                default -> "other";
            };
        }
        return switch (path) {
            case "/healthz", "/readyz" -> "health";
            case "/metrics" -> "metrics";
            default -> "other";
        };
    }

    /** The served model a /v1/models path names, or "" (so that unknown names add no metric series). */
    private String knownModel(String path) {
        String rest = path.substring(PREFIX.length());
        int end = rest.length();
        for (int i = 0; i < rest.length(); i++) {
            if (rest.charAt(i) == ':' || rest.charAt(i) == '/') {
                end = i;
                break;
            }
        }
        String name = rest.substring(0, end);
        return models.containsKey(name) ? name : "";
    }

    /** Answers one request; returns the status sent. */
    private int serve(HttpExchange ex, String path) throws HttpError, IOException {
        if (REJECTED.get() != null) {
            ex.getResponseHeaders().set("Connection", "close");
            throw new HttpError(503, "the server is at capacity (" + pool.getMaximumPoolSize() + " threads busy, " + config.queueCapacity()
                    + " requests waiting); retry shortly", "1");
        }
        long[] queuedAt = QUEUED_AT.get();
        if (queuedAt != null) {
            long waited = System.nanoTime() - queuedAt[0];
            if (waited > config.requestTimeout().toNanos()) {
                throw new HttpError(503, "the request waited " + waited / 1_000_000 + " ms for a thread, longer than the request timeout ("
                        + config.requestTimeout().toMillis() + " ms); the server is overloaded: retry shortly", "1");
            }
        }
        String method = ex.getRequestMethod();
        if (path.equals("/healthz")) {
            requireMethod(method, "GET");
            return send(ex, 200, "{\"status\":\"live\"}");
        }
        if (path.equals("/readyz")) {
            requireMethod(method, "GET");
            boolean ok = ready && !closed;
            return send(ex, ok ? 200 : 503, ok ? "{\"status\":\"ready\"}" : "{\"status\":\"not ready\"}");
        }
        if (tokens != null && !tokens.accepts(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new HttpError(401, "authentication required: send the header 'Authorization: Bearer TOKEN' with a token of this server");
        }
        if (path.equals("/metrics")) {
            requireMethod(method, "GET");
            ex.getResponseHeaders().set("Content-Type", metrics.contentType());
            return sendBytes(ex, 200, metrics.scrape());
        }
        if (!path.startsWith(PREFIX)) {
            throw new HttpError(404, "no route " + Json.excerpt(path) + "; the routes are /v1/models/NAME[:predict|:score|:generate|:embed], "
                    + "/v1/models/NAME/metadata, /healthz, /readyz and /metrics");
        }
        String rest = path.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        int slash = rest.indexOf('/');
        boolean verb = colon >= 0 && (slash < 0 || colon < slash);
        String name = verb ? rest.substring(0, colon) : slash >= 0 ? rest.substring(0, slash) : rest;
        try (ModelSlot.Lease lease = lookup(name)) {
            ServedModel m = lease.model;
            if (verb) {
                String v = rest.substring(colon + 1);
                if (!m.verbs().contains(v)) {
                    throw new HttpError(404, "model " + m.name + " (" + m.kind() + ") has no verb :" + Json.excerpt(v) + "; it answers "
                            + String.join(", ", m.verbs().stream().map(x -> ":" + x).toList()));
                }
                requireMethod(method, "POST");
                byte[] body = readBody(ex);
                if (m.stream(v, body, json, metrics, ex)) {
                    return 200;
                }
                return sendBytes(ex, 200, m.call(v, body, json, metrics));
            }
            if (slash >= 0) {
                if (!rest.substring(slash).equals("/metadata")) {
                    throw new HttpError(404, "no route " + Json.excerpt(path) + " for model " + m.name + "; try /v1/models/" + m.name
                            + "/metadata or /v1/models/" + m.name + ":" + m.verbs().get(0));
                }
                requireMethod(method, "GET");
                return sendBytes(ex, 200, metadata(m));
            }
            requireMethod(method, "GET");
            return sendBytes(ex, 200, status(m));
        }
    }

    /** A lease on the current version of a served model; the caller closes it. */
    private ModelSlot.Lease lookup(String name) throws HttpError {
        ModelSlot slot = models.get(name);
        if (slot == null) {
            throw new HttpError(404, "no model named '" + Json.excerpt(name) + "'; this server serves " + String.join(", ", models.keySet()));
        }
        ModelSlot.Lease lease = slot.acquire();
        if (lease == null) {
            throw new HttpError(503, "the server is shutting down; retry on another server", "1");
        }
        return lease;
    }

    private static void requireMethod(String method, String allowed) throws HttpError {
        if (!method.equals(allowed)) {
            throw new HttpError(405, "method " + Json.excerpt(method) + " is not allowed here; use " + allowed);
        }
    }

    /** The body, at most maxBodyBytes: refused from its declared length when it has one, else while read. */
    private byte[] readBody(HttpExchange ex) throws IOException, HttpError {
        int max = config.maxBodyBytes();
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                throw new HttpError(400, "Content-Length is " + Json.excerpt(declared) + "; expected a number of bytes");
            }
            if (length > max) {
                ex.getResponseHeaders().set("Connection", "close");
                throw new HttpError(413, "the body is " + length + " bytes, more than this server's limit of " + max
                        + " bytes; send fewer instances per request");
            }
        }
        byte[] body = ex.getRequestBody().readNBytes(max + 1);
        if (body.length > max) {
            ex.getResponseHeaders().set("Connection", "close");
            throw new HttpError(413, "the body is more than this server's limit of " + max + " bytes; send fewer instances per request");
        }
        return body;
    }

    private byte[] status(ServedModel m) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = json.generator(bytes)) {
            g.writeStartObject();
            g.writeArrayFieldStart("model_version_status");
            g.writeStartObject();
            g.writeStringField("version", Long.toString(m.version));
            g.writeStringField("state", closed ? "END" : "AVAILABLE");
            g.writeObjectFieldStart("status");
            g.writeStringField("error_code", "OK");
            g.writeStringField("error_message", "");
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }

    private byte[] metadata(ServedModel m) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = json.generator(bytes)) {
            g.writeStartObject();
            g.writeObjectFieldStart("model_spec");
            g.writeStringField("name", m.name);
            g.writeStringField("version", Long.toString(m.version));
            g.writeEndObject();
            g.writeObjectFieldStart("metadata");
            g.writeStringField("kind", m.kind());
            g.writeArrayFieldStart("verbs");
            for (String v : m.verbs()) {
                g.writeString(v);
            }
            g.writeEndArray();
            m.writeSignature(g);
            g.writeObjectFieldStart("provenance");
            for (Map.Entry<String, String> e : m.provenance.entrySet()) {
                String v = e.getValue();
                g.writeStringField(e.getKey(), v.length() > 256 ? v.substring(0, 256) + "..." : v);
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }

    private void error(HttpExchange ex, HttpError e) throws IOException {
        if (e.retryAfter != null) {
            ex.getResponseHeaders().set("Retry-After", e.retryAfter);
        }
        if (e.status == 405) {
            ex.getResponseHeaders().set("Allow", e.getMessage().endsWith("POST") ? "POST" : "GET");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = json.generator(bytes)) {
            g.writeStartObject();
            g.writeStringField("error", e.getMessage());
            g.writeEndObject();
        }
        sendBytes(ex, e.status, bytes.toByteArray());
    }

    private static int send(HttpExchange ex, int code, String body) throws IOException {
        return sendBytes(ex, code, body.getBytes(StandardCharsets.UTF_8));
    }

    private static int sendBytes(HttpExchange ex, int code, byte[] body) throws IOException {
        Headers h = ex.getResponseHeaders();
        if (!h.containsKey("Content-Type")) {
            h.set("Content-Type", "application/json");
        }
        ex.sendResponseHeaders(code, body.length);
        ex.getResponseBody().write(body);
        return code;
    }

    /**
     * Stops the server gracefully: readiness turns false, the port is closed to new connections,
     * requests being handled finish (for up to the request timeout), then the models are closed.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        int grace = (int) Math.max(1, Math.min(config.requestTimeout().toSeconds(), 60));
        // stop(delay) closes the listener at once and waits up to delay seconds for exchanges to end
        if (inFlight.get() == 0 && pool.getQueue().isEmpty()) {
            http.stop(0);
        } else {
            http.stop(grace);
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(grace, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (reloader != null) {
            reloader.shutdownNow();
        }
        models.values().forEach(ModelSlot::close);
    }
}
