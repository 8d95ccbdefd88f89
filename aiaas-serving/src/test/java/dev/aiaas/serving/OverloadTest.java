package dev.aiaas.serving;

import static dev.aiaas.serving.Serving.IN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded queue and the timeouts: with every request thread busy and the queue full, a
 * request is answered 503 with Retry-After at once; a request that waited longer than the
 * request timeout is answered 503; the server serves normally again afterwards; and close()
 * lets a request being handled finish. Requests are held open by sending a body more slowly
 * than its Content-Length promises (a raw socket), which keeps a request thread reading.
 */
class OverloadTest {

    @TempDir
    Path dir;

    /** A request whose body is not all sent yet: it holds a request thread until {@link #finish}. */
    private static final class Held implements AutoCloseable {
        final Socket socket;
        final String body;

        Held(AiaasServer server, String body) throws IOException {
            this.body = body;
            socket = new Socket("127.0.0.1", server.port());
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/models/mlp:predict HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + Serving.TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 5))
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** Sends the rest of the body and returns the response's status line. */
        String finish() throws IOException {
            socket.getOutputStream().write(body.substring(5).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                line.append((char) c);
            }
            return line.toString().strip();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 1000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "the server did not reach the expected state in 10 s");
    }

    @Test
    @Timeout(60)
    void aFullQueueIsAnswered503AndTheServerRecovers() throws Exception {
        String body = Serving.instances(Serving.uniform(IN, 1), IN);
        try (AiaasServer server = AiaasServer.start(ServerConfig.builder().model("mlp", Serving.mlp(dir)).token(Serving.TOKEN).port(0)
                .threads(1).queueCapacity(1).build())) {
            try (Held busy = new Held(server, body)) {
                await(() -> server.inFlight() == 1);
                try (Held waiting = new Held(server, body)) {
                    await(() -> server.queued() == 1);
                    HttpResponse<String> r = Serving.post(server, "/v1/models/mlp:predict", body);
                    assertTrue(Serving.error(r, 503).contains("at capacity (1 threads busy, 1 requests waiting)"));
                    assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
                    // health is answered the same way while full: the queue guards every route
                    assertEquals(503, Serving.get(server, "/healthz", null).statusCode());
                    assertEquals("HTTP/1.1 200 OK", busy.finish());
                    assertEquals("HTTP/1.1 200 OK", waiting.finish());
                }
            }
            await(() -> server.inFlight() == 0 && server.queued() == 0);
            // the pool's thread may still be closing the last exchange when the counters read idle (seen
            // once on a loaded machine), so the client retries on 503 as Retry-After tells it to, briefly
            HttpResponse<String> ok = Serving.post(server, "/v1/models/mlp:predict", body);
            int retries = 0;
            for (; retries < 100 && ok.statusCode() == 503; retries++) {
                Thread.sleep(20);
                ok = Serving.post(server, "/v1/models/mlp:predict", body);
            }
            assertEquals(200, ok.statusCode(), ok.body());
            String metrics = Serving.get(server, "/metrics").body();
            assertTrue(metrics.contains("aiaas_requests_total{code=\"503\",model=\"mlp\",route=\"predict\"} " + (1.0 + retries)),
                    metrics);
        }
    }

    @Test
    @Timeout(60)
    void aRequestThatWaitedPastTheTimeoutIs503() throws Exception {
        String body = Serving.instances(Serving.uniform(IN, 1), IN);
        try (AiaasServer server = AiaasServer.start(ServerConfig.builder().model("mlp", Serving.mlp(dir)).token(Serving.TOKEN).port(0)
                .threads(1).queueCapacity(4).requestTimeout(Duration.ofMillis(50)).build())) {
            try (Held busy = new Held(server, body)) {
                await(() -> server.inFlight() == 1);
                CompletableFuture<HttpResponse<String>> late = CompletableFuture.supplyAsync(() -> {
                    try {
                        return Serving.post(server, "/v1/models/mlp:predict", body);
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                await(() -> server.queued() == 1);
                Thread.sleep(100); // past the 50 ms timeout
                assertEquals("HTTP/1.1 200 OK", busy.finish());
                HttpResponse<String> r = late.get();
                assertTrue(Serving.error(r, 503).contains("longer than the request timeout (50 ms)"));
                assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
            }
            assertEquals(200, Serving.post(server, "/v1/models/mlp:predict", body).statusCode());
        }
    }

    @Test
    @Timeout(60)
    void closeLetsARequestBeingHandledFinish() throws Exception {
        String body = Serving.instances(Serving.uniform(IN, 1), IN);
        AiaasServer server = AiaasServer.start(ServerConfig.builder().model("mlp", Serving.mlp(dir)).token(Serving.TOKEN).port(0)
                .threads(2).requestTimeout(Duration.ofSeconds(5)).build());
        try (Held busy = new Held(server, body)) {
            await(() -> server.inFlight() == 1);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            Thread.sleep(200); // close() is waiting for the request
            assertEquals("HTTP/1.1 200 OK", busy.finish());
            closing.get();
        }
        // the port is closed
        assertTrue(assertConnectionRefused(server.port()));
    }

    private static boolean assertConnectionRefused(int port) {
        try {
            new Socket("127.0.0.1", port).close();
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
