package dev.aiaas.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ServerConfig's validation: every bad value is refused with a message naming it; token files. */
class ServerConfigTest {

    @TempDir
    Path dir;

    private static ServerConfig.Builder valid() {
        return ServerConfig.builder().model("m", Path.of("m.aiaas")).token(Serving.TOKEN);
    }

    private static String refused(UnaryOperator<ServerConfig.Builder> change) {
        return assertThrows(IllegalArgumentException.class, () -> change.apply(valid()).build()).getMessage();
    }

    @Test
    void defaultsAreSecure() {
        ServerConfig c = valid().build();
        assertEquals("127.0.0.1", c.host());
        assertEquals(8501, c.port());
        assertTrue(c.auth());
        assertFalse(c.batching());
        assertFalse(c.toString().contains(Serving.TOKEN), "toString hides the tokens");
        assertTrue(c.toString().contains("tokens=1"));
    }

    @Test
    void authMustBeConfiguredOrTurnedOffExplicitly() {
        String m = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().model("m", Path.of("m")).build()).getMessage();
        assertTrue(m.contains("noAuth() (--no-auth)"), m);
        ServerConfig open = ServerConfig.builder().model("m", Path.of("m")).noAuth().build();
        assertFalse(open.auth());
        assertTrue(open.tokens().isEmpty());
    }

    @Test
    void badValuesAreNamed() {
        assertTrue(refused(b -> b.port(70000)).startsWith("port=70000; expected 0"));
        assertTrue(refused(b -> b.port(-1)).startsWith("port=-1"));
        assertTrue(refused(b -> b.host(" ")).startsWith("host is empty"));
        assertTrue(refused(b -> b.threads(0)).startsWith("threads=0; expected 1 to 1024"));
        assertTrue(refused(b -> b.queueCapacity(-1)).startsWith("queueCapacity=-1"));
        assertTrue(refused(b -> b.maxBodyBytes(10)).startsWith("maxBodyBytes=10"));
        assertTrue(refused(b -> b.maxInstances(0)).startsWith("maxInstances=0"));
        assertTrue(refused(b -> b.maxJsonDepth(1)).startsWith("maxJsonDepth=1"));
        assertTrue(refused(b -> b.maxGenerateTokens(0)).startsWith("maxGenerateTokens=0"));
        assertTrue(refused(b -> b.batching(0, Duration.ZERO)).startsWith("maxBatch=0"));
        assertTrue(refused(b -> b.batching(8, Duration.ofSeconds(2))).startsWith("maxDelay=PT2S"));
        assertTrue(refused(b -> b.batching(8, Duration.ofMillis(-1))).startsWith("maxDelay="));
        assertTrue(refused(b -> b.requestTimeout(Duration.ZERO)).startsWith("requestTimeout=PT0S"));
        assertTrue(refused(b -> b.token("short")).contains("expected 16 to 4096 visible ASCII characters"));
        assertTrue(refused(b -> b.token("has a space in it, long enough")).contains("holds a space"));
        assertTrue(refused(b -> b.model("../etc", Path.of("x"))).startsWith("model name '../etc' is not allowed"));
        assertTrue(refused(b -> b.tls(Path.of("ks.p12"), null)).contains("has no password"));
        assertTrue(refused(b -> b.tls(null, "secret")).contains("without a key store"));
        assertFalse(valid().tls(Path.of("ks.p12"), "secret-password").build().toString().contains("secret-password"));
        assertTrue(refused(b -> b.model("a:predict", Path.of("x"))).contains("is not allowed"));
        assertThrows(IllegalArgumentException.class, () -> valid().model("m", Path.of("other")));
        String none = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().noAuth().build()).getMessage();
        assertTrue(none.startsWith("no models to serve"), none);
        assertThrows(IllegalArgumentException.class, () -> new ServerConfig(java.util.Map.of("m", Path.of("m")), "127.0.0.1", 0, false,
                List.of(Serving.TOKEN), 1, 1, 1024, 1, 2, Duration.ofSeconds(1), 1, Duration.ZERO, 1, null, null, Duration.ofSeconds(1)));
    }

    @Test
    void tokenFiles() throws IOException {
        Path f = dir.resolve("tokens");
        Files.writeString(f, "# a comment\n\n  " + Serving.TOKEN + "  \nsecond-token-abcdefghijkl\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertEquals(List.of(Serving.TOKEN, "second-token-abcdefghijkl"), ServerConfig.readTokens(f));
        assertEquals(2, ServerConfig.builder().model("m", Path.of("m")).tokenFile(f).build().tokens().size());

        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        String m = assertThrows(IllegalArgumentException.class, () -> ServerConfig.readTokens(f)).getMessage();
        assertTrue(m.contains("readable by every user; make it private: chmod 600"), m);

        Path empty = dir.resolve("empty");
        Files.writeString(empty, "# nothing\n");
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerConfig.readTokens(empty)).getMessage().contains("holds no token"));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ServerConfig.readTokens(dir.resolve("missing")));
    }

    @Test
    void startRefusesMissingAndUnservableFiles() throws IOException {
        IOException e = assertThrows(IOException.class, () -> AiaasServer.start(ServerConfig.builder().model("m", dir.resolve("none.aiaas"))
                .noAuth().port(0).build()));
        assertTrue(e.getMessage().contains("model m: no such file"), e.getMessage());
        Path junk = Files.writeString(dir.resolve("junk.arpa"), "not a model\n");
        assertThrows(IOException.class, () -> AiaasServer.start(ServerConfig.builder().model("j", junk).noAuth().port(0).build()));
    }
}
