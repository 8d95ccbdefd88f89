package dev.aiaas.core.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Per-epoch values of a training run: {@code loss}, metrics, {@code val_*}, {@code lr}. */
public final class History {
    private final List<Map<String, Double>> epochs = new ArrayList<>();
    private String stopReason = "completed";

    void add(Map<String, Double> logs) {
        epochs.add(Collections.unmodifiableMap(new LinkedHashMap<>(logs)));
    }

    void stopReason(String reason) {
        this.stopReason = reason;
    }

    /**
     * Why training ended: {@code completed}, or the callback's reason.
     *
     * @return why training ended: {@code completed}, or the callback's reason
     */
    public String stopReason() {
        return stopReason;
    }

    /**
     * The number of epochs run.
     *
     * @return the number of epochs run
     */
    public int epochCount() {
        return epochs.size();
    }

    /**
     * The logs of an epoch.
     *
     * @param e the epoch, from 0
     * @return its logs, by name
     */
    public Map<String, Double> epoch(int e) {
        return epochs.get(e);
    }

    /**
     * The names logged.
     *
     * @return the names logged
     */
    public Set<String> keys() {
        Set<String> s = new LinkedHashSet<>();
        epochs.forEach(m -> s.addAll(m.keySet()));
        return s;
    }

    /**
     * One value per epoch for {@code key}.
     *
     * @param key a logged name, for example {@code val_loss}
     * @return the values by epoch, NaN where it was not logged
     */
    public double[] series(String key) {
        double[] v = new double[epochs.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = epochs.get(i).getOrDefault(key, Double.NaN);
        }
        return v;
    }

    /**
     * The last epoch's value of {@code key}.
     *
     * @param key a logged name
     * @return its value in the last epoch
     */
    public double last(String key) {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epoch has run");
        }
        Double v = epochs.get(epochs.size() - 1).get(key);
        if (v == null) {
            throw new IllegalArgumentException("'" + key + "' was not logged; logged: " + keys());
        }
        return v;
    }

    /**
     * {@link #writeChart(Path, int, int)} at 800x600 pixels.
     *
     * @param png the file to write
     * @throws IOException when it cannot be written
     */
    public void writeChart(Path png) throws IOException {
        writeChart(png, 800, 600);
    }

    /**
     * Draws the history as a PNG of {@code width x height} pixels: {@code loss} and
     * {@code val_loss} per epoch in the upper panel and, when logged, {@code accuracy} and
     * {@code val_accuracy} in the lower one, with axes, ticks and a legend. Needs no display
     * (drawn with XChart into a {@code BufferedImage}). The file is written beside the target
     * and moved over it.
     *
     * @param png    the file to write
     * @param width  pixels, at least 200
     * @param height pixels, at least 150
     * @throws IOException              when the file cannot be written
     * @throws IllegalArgumentException when the size is under 200x150
     * @throws IllegalStateException    when no epoch has run
     */
    public void writeChart(Path png, int width, int height) throws IOException {
        Chart.write(this, png, width, height);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < epochs.size(); i++) {
            sb.append("epoch ").append(i + 1).append(": ").append(Callbacks.format(epochs.get(i))).append('\n');
        }
        return sb.toString();
    }
}
