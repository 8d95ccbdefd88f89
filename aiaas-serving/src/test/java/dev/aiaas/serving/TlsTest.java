package dev.aiaas.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with a key store made by the JDK's keytool (a self-signed EC certificate for 127.0.0.1):
 * a client trusting it gets the same predictions as over HTTP; plain HTTP to the port is not
 * answered; a wrong password or a missing store fails start() naming the file.
 */
class TlsTest {

    private static final String PASSWORD = "test-store-password";

    @TempDir
    Path dir;

    private Path keyStore() throws IOException, InterruptedException {
        Path ks = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "aiaas", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool timed out");
        assertEquals(0, p.exitValue(), out);
        return ks;
    }

    @Test
    @Timeout(120)
    void servesHttpsWithTheKeyStore() throws Exception {
        Path ks = keyStore();
        float[] x = Serving.uniform(3 * Serving.IN, 11);
        try (AiaasServer server = AiaasServer.start(ServerConfig.builder().model("mlp", Serving.mlp(dir)).token(Serving.TOKEN).port(0)
                .tls(ks, PASSWORD).build())) {
            KeyStore trust = KeyStore.getInstance(ks.toFile(), PASSWORD.toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/v1/models/mlp:predict"))
                    .header("Authorization", "Bearer " + Serving.TOKEN).POST(HttpRequest.BodyPublishers.ofString(Serving.instances(x, Serving.IN)))
                    .build();
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertArrayEquals(((NetworkModel) server.model("mlp")).predictor().predict(x), Serving.predictions(r.body()));
            HttpRequest noToken = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/v1/models/mlp")).build();
            assertEquals(401, client.send(noToken, HttpResponse.BodyHandlers.ofString()).statusCode());
            // plain HTTP gets no HTTP answer
            assertThrows(IOException.class, () -> Serving.get(server, "/healthz", null));
            // a client that does not trust the certificate is refused by its own TLS check
            HttpClient untrusting = HttpClient.newHttpClient();
            assertThrows(IOException.class, () -> untrusting.send(noToken, HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Test
    @Timeout(120)
    void aBadKeyStoreFailsStartNamingIt() throws Exception {
        Path ks = keyStore();
        Path model = Serving.mlp(dir);
        IOException wrong = assertThrows(IOException.class, () -> AiaasServer.start(ServerConfig.builder().model("mlp", model).noAuth()
                .port(0).tls(ks, "not-the-password").build()));
        assertTrue(wrong.getMessage().contains(ks.toString()), wrong.getMessage());
        Path junk = Files.writeString(dir.resolve("junk.p12"), "not a key store");
        IOException bad = assertThrows(IOException.class, () -> AiaasServer.start(ServerConfig.builder().model("mlp", model).noAuth()
                .port(0).tls(junk, PASSWORD).build()));
        assertTrue(bad.getMessage().contains(junk.toString()), bad.getMessage());
        assertThrows(IOException.class, () -> AiaasServer.start(ServerConfig.builder().model("mlp", model).noAuth().port(0)
                .tls(dir.resolve("missing.p12"), PASSWORD).build()));
        // the store itself is fine: it opens with its password
        assertEquals(1, KeyStore.getInstance(ks.toFile(), PASSWORD.toCharArray()).size());
    }
}
