package dev.aiaas.core.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws a {@link History} as a PNG: a loss panel (loss, val_loss) and, when accuracy was logged,
 * an accuracy panel below it, with epochs on the x axis. Renders into a {@link BufferedImage},
 * which needs no display.
 */
final class Chart {
    /** Series colours (matplotlib's tab10): training blue, validation orange; accuracy green and red. */
    static final Color LOSS = new Color(31, 119, 180);
    static final Color VAL_LOSS = new Color(255, 127, 14);
    static final Color ACCURACY = new Color(44, 160, 44);
    static final Color VAL_ACCURACY = new Color(214, 39, 40);

    private Chart() {
    }

    private record Series(String name, double[] values, Color colour) {
    }

    static void write(History h, Path png, int width, int height) throws IOException {
        if (width < 200 || height < 150) {
            throw new IllegalArgumentException("the chart needs at least 200x150 pixels. Received: " + width + "x" + height);
        }
        if (h.epochCount() == 0) {
            throw new IllegalStateException("no epoch has run: there is nothing to draw");
        }
        List<List<Series>> panels = new ArrayList<>();
        panels.add(present(h, new Series("loss", h.series("loss"), LOSS), new Series("val_loss", h.series("val_loss"), VAL_LOSS)));
        List<Series> acc = present(h, new Series("accuracy", h.series("accuracy"), ACCURACY),
                new Series("val_accuracy", h.series("val_accuracy"), VAL_ACCURACY));
        if (!acc.isEmpty()) {
            panels.add(acc);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int panelHeight = height / panels.size();
            for (int i = 0; i < panels.size(); i++) {
                drawPanel(g, panels.get(i), i == 0 ? "loss" : "accuracy", 0, i * panelHeight, width, panelHeight, h.epochCount());
            }
        } finally {
            g.dispose();
        }
        Path dir = png.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + png.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer is available in this Java runtime");
            }
            Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static List<Series> present(History h, Series... all) {
        List<Series> out = new ArrayList<>();
        for (Series s : all) {
            if (h.keys().contains(s.name())) {
                out.add(s);
            }
        }
        return out;
    }

    private static void drawPanel(Graphics2D g, List<Series> series, String title, int x0, int y0, int w, int h, int epochs) {
        FontMetrics fm = g.getFontMetrics();
        int left = x0 + 64;
        int right = x0 + w - 16;
        int top = y0 + 28;
        int bottom = y0 + h - 40;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        }
        if (hi - lo < 1e-12) {
            lo -= 0.5;
            hi += 0.5;
        }
        double step = niceStep((hi - lo) / 5);
        lo = Math.floor(lo / step) * step;
        hi = Math.ceil(hi / step) * step;
        final double ylo = lo;
        final double yhi = hi;
        int xMax = Math.max(epochs, 2);
        // title
        g.setColor(Color.BLACK);
        g.drawString(title, left + (right - left - fm.stringWidth(title)) / 2, y0 + 18);
        // grid and y ticks
        for (double v = lo; v <= hi + step / 2; v += step) {
            int py = (int) Math.round(bottom - (v - ylo) / (yhi - ylo) * (bottom - top));
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left, py, right, py);
            g.setColor(Color.BLACK);
            g.drawLine(left - 4, py, left, py);
            String label = format(v, step);
            g.drawString(label, left - 8 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
        }
        // x ticks: epochs from 1, at most about ten labels
        int every = Math.max(1, (int) Math.ceil(epochs / 10.0));
        for (int e = 1; e <= epochs; e += every) {
            int px = xPixel(e, xMax, left, right);
            g.drawLine(px, bottom, px, bottom + 4);
            String label = Integer.toString(e);
            g.drawString(label, px - fm.stringWidth(label) / 2, bottom + 6 + fm.getAscent());
        }
        g.drawString("epoch", (left + right - fm.stringWidth("epoch")) / 2, bottom + 8 + 2 * fm.getAscent());
        // axes
        g.drawLine(left, top, left, bottom);
        g.drawLine(left, bottom, right, bottom);
        // series
        g.setStroke(new BasicStroke(2f));
        for (Series s : series) {
            g.setColor(s.colour());
            double[] v = s.values();
            int px = -1;
            int py = -1;
            for (int e = 0; e < v.length; e++) {
                if (!Double.isFinite(v[e])) {
                    px = -1;
                    continue;
                }
                int nx = xPixel(e + 1, xMax, left, right);
                int ny = (int) Math.round(bottom - (v[e] - ylo) / (yhi - ylo) * (bottom - top));
                if (px >= 0) {
                    g.drawLine(px, py, nx, ny);
                }
                g.fillOval(nx - 3, ny - 3, 7, 7);
                px = nx;
                py = ny;
            }
        }
        g.setStroke(new BasicStroke(1f));
        // legend
        int lw = 0;
        for (Series s : series) {
            lw = Math.max(lw, fm.stringWidth(s.name()));
        }
        int boxW = lw + 40;
        int boxH = series.size() * (fm.getHeight() + 2) + 8;
        int bx = right - boxW - 8;
        // top right, unless the series end in the upper half (a rising curve): then bottom right
        double[] first = series.get(0).values();
        double end = first[first.length - 1];
        int by = Double.isFinite(end) && (end - ylo) / (yhi - ylo) > 0.5 ? bottom - boxH - 6 : top + 6;
        g.setColor(Color.WHITE);
        g.fillRect(bx, by, boxW, boxH);
        g.setColor(Color.GRAY);
        g.drawRect(bx, by, boxW, boxH);
        for (int i = 0; i < series.size(); i++) {
            int ly = by + 6 + i * (fm.getHeight() + 2) + fm.getAscent() / 2 + 2;
            g.setColor(series.get(i).colour());
            g.fillRect(bx + 6, ly - 2, 20, 4);
            g.setColor(Color.BLACK);
            g.drawString(series.get(i).name(), bx + 32, ly + fm.getAscent() / 2 - 1);
        }
    }

    private static int xPixel(int epoch, int xMax, int left, int right) {
        return (int) Math.round(left + 8 + (epoch - 1) / (double) (xMax - 1) * (right - left - 16));
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double m = raw / p;
        return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    }

    private static String format(double v, double step) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step)));
        return String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v) < step / 1e6 ? 0.0 : v);
    }
}
