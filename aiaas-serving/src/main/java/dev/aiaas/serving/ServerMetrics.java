package dev.aiaas.serving;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.IntSupplier;

/**
 * The server's metrics, in a registry of its own (two servers in one JVM count apart), written
 * by {@code GET /metrics} in Prometheus text format:
 * <ul>
 *   <li>{@code aiaas_requests_total{model, route, code}}: requests answered;</li>
 *   <li>{@code aiaas_request_duration_seconds{model, route, code}}: the time from the request
 *       thread taking a request to its answer being sent (classic buckets, 100 µs to 10 s);</li>
 *   <li>{@code aiaas_batch_rows{model}}: rows per predictor run (per request, or per micro-batch);</li>
 *   <li>{@code aiaas_queue_depth}: requests waiting for a thread; {@code aiaas_requests_in_flight}:
 *       requests being handled.</li>
 * </ul>
 * The {@code model} label is a served model's name, or empty for any other path (so that
 * requests for unknown names add no series); {@code route} is {@code predict}, {@code score},
 * {@code generate}, {@code status}, {@code metadata}, {@code health}, {@code metrics} or
 * {@code other}.
 */
final class ServerMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Histogram duration;
    private final Histogram batchRows;

    ServerMetrics(IntSupplier queueDepth, IntSupplier inFlight) {
        requests = Counter.builder().name("aiaas_requests_total").help("Requests answered, by model, route and status code")
                .labelNames("model", "route", "code").register(registry);
        duration = Histogram.builder().name("aiaas_request_duration_seconds")
                .help("Time from a request thread taking a request to its answer being sent")
                .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
                .classicOnly()
                .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10)
                .labelNames("model", "route", "code").register(registry);
        batchRows = Histogram.builder().name("aiaas_batch_rows").help("Rows per predictor run (a request, or a micro-batch)")
                .classicOnly()
                .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096)
                .labelNames("model").register(registry);
        GaugeWithCallback.builder().name("aiaas_queue_depth").help("Requests waiting for a request thread")
                .callback(cb -> cb.call(queueDepth.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("aiaas_requests_in_flight").help("Requests being handled by a request thread")
                .callback(cb -> cb.call(inFlight.getAsInt())).register(registry);
    }

    /** Counts an answered request and its duration. */
    void request(String model, String route, int code, long nanos) {
        String c = Integer.toString(code);
        requests.labelValues(model, route, c).inc();
        duration.labelValues(model, route, c).observe(nanos / 1e9);
    }

    /** Counts a predictor run of {@code rows} rows. */
    void batch(String model, int rows) {
        batchRows.labelValues(model).observe(rows);
    }

    /** The content type of {@link #scrape()}. */
    String contentType() {
        return writer.getContentType();
    }

    /** Every metric now, in Prometheus text format. */
    byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, registry.scrape());
        return out.toByteArray();
    }
}
