package dev.aiaas.cli;

import dev.aiaas.serving.AiaasServer;
import dev.aiaas.serving.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code aiaas serve}: serves models over HTTP until the process is stopped (Ctrl-C, SIGTERM),
 * through {@link AiaasServer}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves models over HTTP in TF Serving's REST shape until stopped (Ctrl-C or SIGTERM, which finish the "
                + "requests being handled): POST /v1/models/NAME:predict with {\"instances\": [[...], ...]} answers "
                + "{\"predictions\": [[...], ...]}; :score and :generate serve language models (an ARPA file or an 'lm train' "
                + "model); :embed serves a sentence encoder (FILE.onnx with its tokenizer.json beside it); GET /v1/models/NAME, /v1/models/NAME/metadata, /healthz, /readyz and /metrics (Prometheus).",
                "Secure by default: it listens on 127.0.0.1 only, and every request but /healthz and /readyz needs "
                        + "'Authorization: Bearer TOKEN' with a token of --token-file (one per line, a file not readable by "
                        + "others); --no-auth turns that off explicitly. --threads sets the request threads as well as the "
                        + "OpenMP and BLAS threads."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas serve --model fashion=fashion.aiaas --token-file tokens.txt",
                "  aiaas serve --model fashion=fashion.aiaas --model lm=corpus.arpa \\",
                "      --no-auth --port 8080 --max-batch 32 --max-delay-ms 2",
                "  aiaas serve --model fashion=fashion.aiaas --token-file tokens.txt \\",
                "      --key-store server.p12 --key-store-password-file ks-password.txt"})
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    AiaasCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "NAME=FILE", description = "A model to serve under NAME (in the "
            + "URLs: /v1/models/NAME): a network or table classifier saved by 'aiaas train', a language model of 'aiaas lm train', an ONNX "
            + "sentence encoder (FILE.onnx, its tokenizer beside it as STEM-tokenizer.json or tokenizer.json), or an "
            + "ARPA file; or a folder of numbered versions (DIR/1/model.aiaas, DIR/2/...): the highest is served, and a new one "
            + "is picked up within 2 s without dropping requests. Repeat for more models.")
    List<String> models;

    @Option(names = "--host", defaultValue = ServerConfig.DEFAULT_HOST, paramLabel = "ADDRESS", description = "The address to "
            + "listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--port", defaultValue = "8501", paramLabel = "PORT", description = "The TCP port, 0 for any free one "
            + "(default: ${DEFAULT-VALUE}).")
    int port;

    /** Exactly one of the two. */
    static final class Auth {
        @Option(names = "--token-file", required = true, paramLabel = "FILE", description = "The accepted bearer tokens, one "
                + "per line (at least 16 characters each; openssl rand -hex 32 makes one); chmod 600.")
        Path tokenFile;

        @Option(names = "--no-auth", required = true, description = "Serve without authentication: anyone who reaches the "
                + "port may call the models.")
        boolean noAuth;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Auth auth;

    @Option(names = "--max-batch", defaultValue = "1", paramLabel = "B", description = "Micro-batching: gather concurrent "
            + "requests for a model into one run of up to B rows; 1 turns it off (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-delay-ms", defaultValue = "2", paramLabel = "D", description = "Micro-batching: how long a batch's "
            + "first request waits for others, 0 to 1000 ms (default: ${DEFAULT-VALUE}).")
    int maxDelayMs;

    @Option(names = "--queue", defaultValue = "" + ServerConfig.DEFAULT_QUEUE, paramLabel = "N", description = "Requests that "
            + "may wait for a thread; more are answered 503 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--timeout-ms", defaultValue = "10000", paramLabel = "MS", description = "How long a request may wait for "
            + "a thread or its batch before it is answered 503 (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--max-body-bytes", defaultValue = "" + ServerConfig.DEFAULT_MAX_BODY, paramLabel = "BYTES", description =
            "The largest request body; larger ones are answered 413 (default: ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(names = "--max-instances", defaultValue = "" + ServerConfig.DEFAULT_MAX_INSTANCES, paramLabel = "N", description =
            "The most instances (or sentences) in one request (default: ${DEFAULT-VALUE}).")
    int maxInstances;

    @Option(names = "--key-store", paramLabel = "FILE", description = "Serve HTTPS with the private key and certificate chain of "
            + "this PKCS12 or JKS key store (with --key-store-password-file).")
    Path keyStore;

    @Option(names = "--key-store-password-file", paramLabel = "FILE", description = "A file whose first line is the key store's "
            + "password (chmod 600).")
    Path keyStorePasswordFile;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile AiaasServer server;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        ServerConfig config = config(cl);
        parent.selectBackend(cl);
        try {
            server = AiaasServer.start(config);
        } catch (IOException e) {
            throw new CommandFailedException("cannot serve: " + AiaasCommand.oneLine(e), e);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(e.getMessage(), e);
        }
        Thread hook = new Thread(this::stop, "aiaas-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter out = cl.getOut();
        out.println("serving " + String.join(", ", server.modelNames()) + " on " + (config.tls() ? "https" : "http") + "://" + config.host() + ":" + server.port()
                + "/v1/models/" + (config.auth() ? " (bearer tokens: " + config.tokens().size() + ")" : " (no authentication)")
                + (config.batching() ? "; micro-batching up to " + config.maxBatch() + " rows, " + maxDelayMs + " ms" : ""));
        out.println("stop with Ctrl-C");
        out.flush();
        try {
            stopped.await();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs
            }
        }
        return 0;
    }

    /** Stops the server gracefully (the shutdown hook, and tests). */
    void stop() {
        AiaasServer s = server;
        if (s != null) {
            s.close();
        }
        stopped.countDown();
    }

    /** The running server, or null before it started (for tests). */
    AiaasServer server() {
        return server;
    }

    /** The first line of --key-store-password-file, from a file not readable by others. */
    private String keyStorePassword(CommandLine cl) throws IOException {
        CliFiles.requireFile(cl, "--key-store-password-file", keyStorePasswordFile);
        var posix = java.nio.file.Files.getFileAttributeView(keyStorePasswordFile, java.nio.file.attribute.PosixFileAttributeView.class);
        if (posix != null && posix.readAttributes().permissions().contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
            throw new ParameterException(cl, "--key-store-password-file " + keyStorePasswordFile + " is readable by every user; make it "
                    + "private: chmod 600 " + keyStorePasswordFile);
        }
        List<String> lines = java.nio.file.Files.readAllLines(keyStorePasswordFile);
        if (lines.isEmpty() || lines.get(0).isEmpty()) {
            throw new ParameterException(cl, "--key-store-password-file " + keyStorePasswordFile + " is empty; write the password on its first line");
        }
        return lines.get(0);
    }

    /** The settings from the options; a bad value is a usage error (exit code 2). */
    ServerConfig config(CommandLine cl) {
        ServerConfig.Builder b = ServerConfig.builder();
        try {
            for (String m : models) {
                int eq = m.indexOf('=');
                if (eq <= 0 || eq == m.length() - 1) {
                    throw new ParameterException(cl, "--model " + m + ": expected NAME=FILE, for example fashion=fashion.aiaas");
                }
                Path file = Path.of(m.substring(eq + 1));
                if (!java.nio.file.Files.isDirectory(file)) {
                    CliFiles.requireFile(cl, "--model " + m.substring(0, eq), file);
                }
                b.model(m.substring(0, eq), file);
            }
            if (auth.noAuth) {
                b.noAuth();
            } else {
                CliFiles.requireFile(cl, "--token-file", auth.tokenFile);
                b.tokenFile(auth.tokenFile);
            }
            if (maxDelayMs < 0 || maxDelayMs > 1000) {
                throw new ParameterException(cl, "--max-delay-ms=" + maxDelayMs + ": expected 0 to 1000 milliseconds, for example 2");
            }
            if (timeoutMs < 1 || timeoutMs > 3_600_000) {
                throw new ParameterException(cl, "--timeout-ms=" + timeoutMs + ": expected 1 to 3600000 milliseconds, for example 10000");
            }
            if ((keyStore == null) != (keyStorePasswordFile == null)) {
                throw new ParameterException(cl, "--key-store and --key-store-password-file go together: give both for HTTPS, or neither");
            }
            if (keyStore != null) {
                CliFiles.requireFile(cl, "--key-store", keyStore);
                b.tls(keyStore, keyStorePassword(cl));
            }
            b.host(host).port(port).queueCapacity(queue).requestTimeout(Duration.ofMillis(timeoutMs)).maxBodyBytes(maxBodyBytes)
                    .maxInstances(maxInstances).batching(maxBatch, Duration.ofMillis(maxDelayMs));
            Integer threads = parent.threads(cl);
            if (threads != null) {
                b.threads(threads);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        } catch (IOException e) {
            throw new ParameterException(cl, "cannot read " + (keyStorePasswordFile != null ? "--key-store-password-file or " : "")
                    + "--token-file: " + AiaasCommand.oneLine(e), e);
        }
    }
}
