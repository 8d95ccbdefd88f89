package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.Predictor;
import dev.aiaas.serving.AiaasServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code aiaas serve}: a live server from the command line, and its usage errors (exit code 2). */
class ServeCliTest {

    private static final String TOKEN = "cli-test-token-0123456789";

    @TempDir
    Path dir;

    private Path model() throws Exception {
        Path file = dir.resolve("m.aiaas");
        try (Model m = Model.builder(4).add(Layers.dense(6, Activation.RELU)).add(Layers.dense(2)).seed(3).build()) {
            ModelIO.save(m, file);
        }
        return file;
    }

    private Path tokens(String mode) throws Exception {
        Path f = dir.resolve("tokens-" + mode);
        Files.writeString(f, TOKEN + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    @Timeout(60)
    void servesUntilStopped() throws Exception {
        Path file = model();
        StringWriter out = new StringWriter();
        CommandLine cl = AiaasCommand.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        ServeCommand serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
        String tokens = tokens("rw-------").toString();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("serve", "--model", "m=" + file, "--port", "0",
                "--token-file", tokens, "--max-batch", "8"));
        while (serve.server() == null && !exit.isDone()) {
            Thread.sleep(20);
        }
        AiaasServer server = serve.server();
        assertNotNull(server, out.toString());
        assertTrue(server.config().batching());
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/models/m:predict"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[0.5, -1, 2, 0.25]]}")).build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        float[] want;
        try (Model m = ModelIO.load(file); Predictor p = m.predictor()) {
            // a micro-batch is padded to 16 rows
            float[] x = new float[16 * 4];
            System.arraycopy(new float[] {0.5f, -1, 2, 0.25f}, 0, x, 0, 4);
            want = java.util.Arrays.copyOf(p.predict(x), 2);
        }
        assertEquals("{\"predictions\":[[" + want[0] + "," + want[1] + "]]}", r.body());
        serve.stop();
        assertEquals(0, exit.get());
        assertTrue(out.toString().contains("serving m on http://127.0.0.1:" + server.port() + "/v1/models/ (bearer tokens: 1); "
                + "micro-batching up to 8 rows, 2 ms"), out.toString());
        assertArrayEquals(new String[] {"m"}, server.modelNames().toArray(new String[0]));
    }

    @Test
    void usageErrors() throws Exception {
        Path file = model();
        CliTest.Result r = CliTest.run("serve", "--model", "m=" + file);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Error: Missing required argument (specify one of these): (--token-file=FILE | --no-auth)"), r.err());
        r = CliTest.run("serve", "--model", "m=" + file, "--no-auth", "--token-file", tokens("rw-------").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("mutually exclusive"), r.err());
        r = CliTest.run("serve", "--model", file.toString(), "--no-auth");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("expected NAME=FILE"), r.err());
        r = CliTest.run("serve", "--model", "m=" + dir.resolve("none.aiaas"), "--no-auth");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--model m: file not found"), r.err());
        r = CliTest.run("serve", "--model", "m=" + file, "--token-file", tokens("rw-r--r--").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("readable by every user; make it private: chmod 600"), r.err());
        r = CliTest.run("serve", "--model", "m=" + file, "--model", "m=" + file, "--no-auth");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("model name m is given twice"), r.err());
        r = CliTest.run("serve", "--model", "a/b=" + file, "--no-auth");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("model name 'a/b' is not allowed"), r.err());
        r = CliTest.run("serve", "--model", "m=" + file, "--no-auth", "--port", "70000");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("port=70000; expected 0"), r.err());
        r = CliTest.run("serve", "--model", "m=" + file, "--no-auth", "--max-delay-ms", "5000");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--max-delay-ms=5000"), r.err());
        r = CliTest.run("serve", "--model", "m=" + file, "--no-auth", "--max-batch", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("maxBatch=0"), r.err());
        r = CliTest.run("serve", "--model", "m=" + file, "--no-auth", "--key-store", file.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--key-store and --key-store-password-file go together"), r.err());
        r = CliTest.run("serve", "--model", "m=" + file, "--no-auth", "--key-store", file.toString(), "--key-store-password-file",
                tokens("rw-r--r--").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is readable by every user"), r.err());
        r = CliTest.run("serve", "--model", "m=" + file, "--no-auth", "--port", "0", "--key-store", file.toString(),
                "--key-store-password-file", tokens("rw-------").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot serve: cannot use the key store"), r.err());
        r = CliTest.run("serve", "--model", "m=" + Files.createDirectories(dir.resolve("versions")), "--no-auth", "--port", "0");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("the folder has no version"), r.err());
        r = CliTest.run("--threads", "0", "serve", "--model", "m=" + file, "--no-auth");
        assertEquals(2, r.code());
        r = CliTest.run("serve", "--model", "m=" + dir.resolve("tokens-rw-------"), "--no-auth", "--port", "0");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("aiaas: error: cannot serve: "), r.err());
    }
}
