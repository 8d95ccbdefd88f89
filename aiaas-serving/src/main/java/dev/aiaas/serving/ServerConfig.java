package dev.aiaas.serving;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The settings of an {@link AiaasServer}: which models it serves under which names, where it
 * listens, who may call it and the limits that protect it. An immutable, validated record: every
 * component is checked by the constructor, which names the bad value, its range and the fix.
 * Build one with {@link #builder()}:
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.builder()
 *         .model("fashion", Path.of("fashion.aiaas"))
 *         .tokenFile(Path.of("tokens.txt"))        // or .noAuth()
 *         .port(8501)
 *         .build();
 * try (AiaasServer server = AiaasServer.start(config)) { ... }
 * }</pre>
 *
 * <p>Secure by default: loopback only, bearer tokens required (a config without tokens must say
 * {@link Builder#noAuth()}), bodies, JSON nesting and instance counts bounded, and a bounded
 * queue of requests waiting for a thread, beyond which requests are answered 503 at once.
 *
 * @param models          the models to serve, name to file (an aiaas model file: a network or an
 *                        LSTM language model; or an ARPA n-gram file) or to a folder of numbered
 *                        versions (the highest served, a new one picked up while serving), in
 *                        order; names are 1 to 64
 *                        of {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit
 * @param host            the address to bind; default {@value #DEFAULT_HOST} (loopback only)
 * @param port            the TCP port, 0 (an ephemeral one: see {@link AiaasServer#port()}) to
 *                        65535; default {@value #DEFAULT_PORT} (TF Serving's REST port)
 * @param auth            whether requests need {@code Authorization: Bearer TOKEN}
 * @param tokens          the accepted tokens (each at least {@value #MIN_TOKEN_LENGTH} visible
 *                        ASCII characters); non-empty when auth is on, empty when it is off
 * @param threads         the request threads (each parses, predicts and answers one request at a
 *                        time), 1 to 1024; default the processors available; with micro-batching
 *                        the server adds maxBatch more, which mostly wait for their batch. Without
 *                        micro-batching and with more than one request thread, each prediction
 *                        runs on its request thread alone; a batched run, or a single request
 *                        thread, uses the {@code aiaas.threads} setting
 * @param queueCapacity   the requests that may wait for a thread, 0 to 100,000; one more is
 *                        answered 503 with {@code Retry-After}; default {@value #DEFAULT_QUEUE}
 * @param maxBodyBytes    the largest request body, in bytes, 1,024 to 2^30; larger ones are
 *                        answered 413 before being read; default {@value #DEFAULT_MAX_BODY} (8 MiB)
 * @param maxInstances    the most instances (rows) or sentences in one request, 1 to 1,000,000;
 *                        default {@value #DEFAULT_MAX_INSTANCES}
 * @param maxJsonDepth    the deepest nesting of JSON arrays and objects, 2 to 1,000; default
 *                        {@value #DEFAULT_MAX_DEPTH}
 * @param requestTimeout  how long a request may wait in the queue for a thread (or, batched, for
 *                        its batch) before it is answered 503; 1 ms to 1 hour; default 10 s
 * @param maxBatch        micro-batching: the most rows one batched run gathers from concurrent
 *                        requests for a model, 1 (off, the default: each request runs alone) to 65,536
 * @param maxDelay        micro-batching: how long the first request of a batch waits for others,
 *                        0 to 1 s; default 2 ms (used only when maxBatch &gt; 1)
 * @param maxGenerateTokens the most words {@code :generate} samples per sentence, 1 to 100,000;
 *                        default {@value #DEFAULT_MAX_GENERATE_TOKENS}
 * @param keyStore        HTTPS: a key store (PKCS12 or JKS) holding the server's private key and
 *                        certificate chain; null (the default) for plain HTTP
 * @param keyStorePassword the key store's password (also the key's); null exactly when keyStore is
 * @param reloadInterval  how often the folders of versioned models (a model given as a folder:
 *                        {@code DIR/1/model.aiaas}, {@code DIR/2/...}) are checked for a higher
 *                        version, 10 ms to 1 hour; default 2 s
 */
public record ServerConfig(Map<String, Path> models, String host, int port, boolean auth, List<String> tokens, int threads,
        int queueCapacity, int maxBodyBytes, int maxInstances, int maxJsonDepth, Duration requestTimeout, int maxBatch,
        Duration maxDelay, int maxGenerateTokens, Path keyStore, String keyStorePassword, Duration reloadInterval) {

    /** The default {@link #host()}: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The default {@link #port()}, TF Serving's REST port. */
    public static final int DEFAULT_PORT = 8501;
    /** The default {@link #queueCapacity()}. */
    public static final int DEFAULT_QUEUE = 256;
    /** The default {@link #maxBodyBytes()}: 8 MiB. */
    public static final int DEFAULT_MAX_BODY = 8 << 20;
    /** The default {@link #maxInstances()}. */
    public static final int DEFAULT_MAX_INSTANCES = 1024;
    /** The default {@link #maxJsonDepth()}. */
    public static final int DEFAULT_MAX_DEPTH = 16;
    /** The default {@link #maxGenerateTokens()}. */
    public static final int DEFAULT_MAX_GENERATE_TOKENS = 256;
    /** The shortest token accepted. */
    public static final int MIN_TOKEN_LENGTH = 16;
    /** What a model name may be. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{" + MIN_TOKEN_LENGTH + ",4096}");

    /**
     * Validates the settings; see the record's description for each range.
     *
     * @param models            name to model file, at least one
     * @param host              the address to bind
     * @param port              0 to 65535
     * @param auth              whether bearer tokens are required
     * @param tokens            the tokens; non-empty exactly when auth is on
     * @param threads           1 to 1024
     * @param queueCapacity     0 to 100,000
     * @param maxBodyBytes      1,024 to 2^30
     * @param maxInstances      1 to 1,000,000
     * @param maxJsonDepth      2 to 1,000
     * @param requestTimeout    1 ms to 1 hour
     * @param maxBatch          1 (off) to 65,536
     * @param maxDelay          0 to 1 s
     * @param maxGenerateTokens 1 to 100,000
     * @param keyStore          a key store for HTTPS, or null
     * @param keyStorePassword  its password; null exactly when keyStore is null
     * @param reloadInterval    10 ms to 1 hour
     * @throws IllegalArgumentException naming the bad value, its range and the fix
     */
    public ServerConfig {
        if (models == null || models.isEmpty()) {
            throw new IllegalArgumentException("no models to serve; add at least one with model(NAME, FILE) (aiaas serve --model NAME=FILE)");
        }
        Map<String, Path> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : models.entrySet()) {
            String name = e.getKey();
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("model name " + quote(name) + " is not allowed; expected 1 to 64 of A-Z a-z 0-9 . _ -, "
                        + "starting with a letter or digit, for example fashion or iris-v2");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("model " + name + " has no file; give NAME=FILE");
            }
            copy.put(name, e.getValue());
        }
        models = Collections.unmodifiableMap(copy);
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is empty; expected an address to bind, for example " + DEFAULT_HOST);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port=" + port + "; expected 0 (any free port) to 65535, for example " + DEFAULT_PORT);
        }
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        if (auth && tokens.isEmpty()) {
            throw new IllegalArgumentException("authentication is on but no token is given; give a token file (--token-file FILE, "
                    + "one token per line) or turn authentication off explicitly (--no-auth)");
        }
        if (!auth && !tokens.isEmpty()) {
            throw new IllegalArgumentException("tokens are given but authentication is off; drop --no-auth or the tokens");
        }
        for (String t : tokens) {
            if (t == null || !TOKEN.matcher(t).matches()) {
                throw new IllegalArgumentException("a token is " + (t == null ? "null" : t.length() + " characters long or holds a space "
                        + "or a non-ASCII character") + "; expected " + MIN_TOKEN_LENGTH + " to 4096 visible ASCII characters, "
                        + "for example the output of 'openssl rand -hex 32'");
            }
        }
        range("threads", threads, 1, 1024, "request threads");
        range("queueCapacity", queueCapacity, 0, 100_000, "requests waiting for a thread");
        range("maxBodyBytes", maxBodyBytes, 1024, 1 << 30, "bytes in a request body");
        range("maxInstances", maxInstances, 1, 1_000_000, "instances in a request");
        range("maxJsonDepth", maxJsonDepth, 2, 1000, "levels of JSON nesting");
        range("maxBatch", maxBatch, 1, 65_536, "rows in a micro-batch (1 turns micro-batching off)");
        range("maxGenerateTokens", maxGenerateTokens, 1, 100_000, "words per generated sentence");
        if (requestTimeout == null || requestTimeout.toMillis() < 1 || requestTimeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("requestTimeout=" + requestTimeout + "; expected 1 ms to 1 hour, for example 10 s");
        }
        if (maxDelay == null || maxDelay.isNegative() || maxDelay.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("maxDelay=" + maxDelay + "; expected 0 to 1 s, for example 2 ms");
        }
        if (reloadInterval == null || reloadInterval.toMillis() < 10 || reloadInterval.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("reloadInterval=" + reloadInterval + "; expected 10 ms to 1 hour, for example 2 s");
        }
        if ((keyStore == null) != (keyStorePassword == null)) {
            throw new IllegalArgumentException(keyStore == null ? "a key store password is given without a key store; give both or neither"
                    : "the key store " + keyStore + " has no password; give its password (--key-store-password-file FILE)");
        }
    }

    /**
     * Whether the server speaks HTTPS.
     *
     * @return {@code keyStore != null}
     */
    public boolean tls() {
        return keyStore != null;
    }

    private static void range(String what, int v, int lo, int hi, String unit) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(what + "=" + v + "; expected " + lo + " to " + hi + " (" + unit + ")");
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "'";
    }

    /**
     * Whether micro-batching is on.
     *
     * @return {@code maxBatch > 1}
     */
    public boolean batching() {
        return maxBatch > 1;
    }

    /** The settings without the tokens (their number only) and without the key store's password. */
    @Override
    public String toString() {
        return "ServerConfig[models=" + models + ", host=" + host + ", port=" + port + ", auth=" + auth + ", tokens=" + tokens.size()
                + ", threads=" + threads + ", queueCapacity=" + queueCapacity + ", maxBodyBytes=" + maxBodyBytes + ", maxInstances="
                + maxInstances + ", maxJsonDepth=" + maxJsonDepth + ", requestTimeout=" + requestTimeout + ", maxBatch=" + maxBatch
                + ", maxDelay=" + maxDelay + ", maxGenerateTokens=" + maxGenerateTokens + ", keyStore=" + keyStore + "]";
    }

    /**
     * A builder with the defaults: loopback, port {@value #DEFAULT_PORT}, authentication on (give
     * tokens, or call {@link Builder#noAuth()}), micro-batching off.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a token file: one token per line; blank lines and lines starting with {@code #} are
     * skipped, spaces around a token dropped. On a POSIX file system the file must not be readable
     * by others (mode 600 or 640, say), as an SSH key must not.
     *
     * @param file the token file
     * @return its tokens, in order
     * @throws IOException              when it cannot be read
     * @throws IllegalArgumentException when it is readable by others, or holds no token
     */
    public static List<String> readTokens(Path file) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null) {
            Set<PosixFilePermission> perms = posix.readAttributes().permissions();
            if (perms.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IllegalArgumentException("the token file " + file + " is readable by every user; make it private: chmod 600 " + file);
            }
        }
        if (Files.size(file) > 1 << 20) {
            throw new IllegalArgumentException("the token file " + file + " is larger than 1 MiB; expected one token per line");
        }
        List<String> tokens = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                tokens.add(t);
            }
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("the token file " + file + " holds no token; write one per line (openssl rand -hex 32 > " + file + ")");
        }
        return tokens;
    }

    /** Builds a {@link ServerConfig}; every setting has the default the record describes. */
    public static final class Builder {
        private final Map<String, Path> models = new LinkedHashMap<>();
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private Boolean auth;
        private final List<String> tokens = new ArrayList<>();
        private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int queueCapacity = DEFAULT_QUEUE;
        private int maxBodyBytes = DEFAULT_MAX_BODY;
        private int maxInstances = DEFAULT_MAX_INSTANCES;
        private int maxJsonDepth = DEFAULT_MAX_DEPTH;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxBatch = 1;
        private Duration maxDelay = Duration.ofMillis(2);
        private int maxGenerateTokens = DEFAULT_MAX_GENERATE_TOKENS;
        private Path keyStore;
        private String keyStorePassword;
        private Duration reloadInterval = Duration.ofSeconds(2);

        private Builder() {
        }

        /**
         * Serves a model file under a name.
         *
         * @param name the name in the URLs ({@code /v1/models/NAME})
         * @param file the model file
         * @return this builder
         * @throws IllegalArgumentException when the name is already taken
         */
        public Builder model(String name, Path file) {
            if (models.containsKey(name)) {
                throw new IllegalArgumentException("model name " + name + " is given twice; give each model its own name");
            }
            models.put(name, file);
            return this;
        }

        /**
         * Sets the address to bind.
         *
         * @param host an address or host name; {@code 0.0.0.0} listens on every interface
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * Sets the port.
         *
         * @param port 0 (ephemeral) to 65535
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Accepts a bearer token (and turns authentication on).
         *
         * @param token at least {@value ServerConfig#MIN_TOKEN_LENGTH} visible ASCII characters
         * @return this builder
         */
        public Builder token(String token) {
            tokens.add(token);
            auth = Boolean.TRUE;
            return this;
        }

        /**
         * Accepts the tokens of a file ({@link ServerConfig#readTokens(Path)}).
         *
         * @param file the token file, not readable by others
         * @return this builder
         * @throws IOException when it cannot be read
         */
        public Builder tokenFile(Path file) throws IOException {
            for (String t : readTokens(file)) {
                token(t);
            }
            return this;
        }

        /**
         * Turns authentication off: anyone who reaches the port may call the models.
         *
         * @return this builder
         */
        public Builder noAuth() {
            auth = Boolean.FALSE;
            return this;
        }

        /**
         * Sets the request threads.
         *
         * @param threads 1 to 1024
         * @return this builder
         */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * Sets how many requests may wait for a thread.
         *
         * @param queueCapacity 0 to 100,000
         * @return this builder
         */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        /**
         * Sets the largest request body.
         *
         * @param maxBodyBytes bytes, 1,024 to 2^30
         * @return this builder
         */
        public Builder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /**
         * Sets the most instances per request.
         *
         * @param maxInstances 1 to 1,000,000
         * @return this builder
         */
        public Builder maxInstances(int maxInstances) {
            this.maxInstances = maxInstances;
            return this;
        }

        /**
         * Sets the deepest JSON nesting.
         *
         * @param maxJsonDepth 2 to 1,000
         * @return this builder
         */
        public Builder maxJsonDepth(int maxJsonDepth) {
            this.maxJsonDepth = maxJsonDepth;
            return this;
        }

        /**
         * Sets how long a request may wait for a thread or its batch.
         *
         * @param requestTimeout 1 ms to 1 hour
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * Turns micro-batching on (maxBatch &gt; 1) or off (1).
         *
         * @param maxBatch the most rows per batched run, 1 to 65,536
         * @param maxDelay how long a batch's first request waits for others, 0 to 1 s
         * @return this builder
         */
        public Builder batching(int maxBatch, Duration maxDelay) {
            this.maxBatch = maxBatch;
            this.maxDelay = maxDelay;
            return this;
        }

        /**
         * Sets the most words {@code :generate} samples per sentence.
         *
         * @param maxGenerateTokens 1 to 100,000
         * @return this builder
         */
        public Builder maxGenerateTokens(int maxGenerateTokens) {
            this.maxGenerateTokens = maxGenerateTokens;
            return this;
        }

        /**
         * Sets how often versioned models' folders are checked for a new version.
         *
         * @param reloadInterval 10 ms to 1 hour
         * @return this builder
         */
        public Builder reloadInterval(Duration reloadInterval) {
            this.reloadInterval = reloadInterval;
            return this;
        }

        /**
         * Serves HTTPS with the key and certificate chain of a key store.
         *
         * @param keyStore a PKCS12 or JKS file holding one private key and its certificate chain
         * @param password the store's password (and the key's)
         * @return this builder
         */
        public Builder tls(Path keyStore, String password) {
            this.keyStore = keyStore;
            this.keyStorePassword = password;
            return this;
        }

        /**
         * Validates and builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the bad value
         */
        public ServerConfig build() {
            if (auth == null) {
                throw new IllegalArgumentException("authentication is on by default and no token is given; call token(...)/tokenFile(...) "
                        + "(--token-file FILE), or noAuth() (--no-auth) to serve without authentication");
            }
            return new ServerConfig(models, host, port, auth, auth ? tokens : List.of(), threads, queueCapacity, maxBodyBytes, maxInstances,
                    maxJsonDepth, requestTimeout, maxBatch, maxDelay, maxGenerateTokens, keyStore, keyStorePassword, reloadInterval);
        }
    }
}
