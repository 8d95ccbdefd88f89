package dev.aiaas.bench;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * Draws the MLP results of a {@link BenchReport} as a PNG: throughput in examples per second
 * (batch size B over the median step time) against B, one line per engine at its best thread
 * setting, both axes logarithmic. One panel per kind of work: each network's training step, and
 * inference. Rendered into a {@link BufferedImage} with Java2D, which needs no display.
 */
public final class ThroughputChart {

    /** The default size in pixels. */
    public static final int DEFAULT_WIDTH = 1200;
    /** The default size in pixels. */
    public static final int DEFAULT_HEIGHT = 560;
    /** The smallest size that leaves room for axes, labels and the legend. */
    static final int MIN_WIDTH = 400;
    /** The smallest size that leaves room for axes, labels and the legend. */
    static final int MIN_HEIGHT = 300;

    /** Engine colours (matplotlib's tab10), fixed so that charts of different runs compare. */
    static final Map<String, Color> COLOURS = Map.of(
            "aiaas", new Color(31, 119, 180),
            "dl4j", new Color(255, 127, 14),
            "samediff", new Color(44, 160, 44),
            "pytorch-djl", new Color(214, 39, 40),
            "onnxruntime", new Color(148, 103, 189),
            "pytorch-py", new Color(140, 86, 75));
    private static final Color[] OTHERS = {new Color(227, 119, 194), new Color(127, 127, 127), new Color(188, 189, 34),
        new Color(23, 190, 207)};
    private static final Pattern MLP = Pattern.compile("(mlp|infer)-(\\d+(?:-\\d+)+)-b(\\d+)");

    private ThroughputChart() {
    }

    /** One panel: a kind of work and, per engine, examples/s by batch size. */
    record Panel(String title, Map<String, TreeMap<Integer, Double>> byEngine) {
    }

    /**
     * The panels of {@code report}: one per (training or inference, network), in run order, each
     * engine at its best thread setting. Benchmarks that are not MLP work (n-gram) are left out.
     */
    static List<Panel> panels(BenchReport report) {
        Map<String, Map<String, TreeMap<Integer, Double>>> panels = new LinkedHashMap<>();
        for (Measurement m : report.measurements()) {
            Matcher x = MLP.matcher(m.benchmark());
            if (!x.matches()) {
                continue;
            }
            Measurement best = report.best(m.benchmark(), m.engine()).orElseThrow();
            int batch = Integer.parseInt(x.group(3));
            String title = (x.group(1).equals("mlp") ? "training step, " : "inference, ") + x.group(2);
            panels.computeIfAbsent(title, k -> new LinkedHashMap<>())
                    .computeIfAbsent(m.engine(), k -> new TreeMap<>())
                    .put(batch, batch / (best.stats().medianMs() / 1e3));
        }
        return panels.entrySet().stream().map(e -> new Panel(e.getKey(), e.getValue())).collect(Collectors.toList());
    }

    /** {@link #write(BenchReport, String, Path, int, int)} at the default size. */
    public static void write(BenchReport report, String machine, Path png) throws IOException {
        write(report, machine, png, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    /**
     * Writes the chart (atomically: a temporary file in the same folder, then a move).
     *
     * @param report  the results
     * @param machine what ran them, for the title (for example the CPU model, cores and Java version)
     * @param png     the file to write; its folder must exist
     * @param width   at least {@link #MIN_WIDTH} pixels
     * @param height  at least {@link #MIN_HEIGHT} pixels
     * @throws IllegalArgumentException when the size is too small
     * @throws IllegalStateException    when the report has no MLP result to draw
     * @throws IOException              when the file cannot be written (the message names it)
     */
    public static void write(BenchReport report, String machine, Path png, int width, int height) throws IOException {
        if (width < MIN_WIDTH || height < MIN_HEIGHT) {
            throw new IllegalArgumentException("the chart needs at least " + MIN_WIDTH + "x" + MIN_HEIGHT + " pixels. Received: "
                    + width + "x" + height);
        }
        List<Panel> panels = panels(report);
        if (panels.isEmpty()) {
            throw new IllegalStateException("the report has no MLP training or inference result to plot; run at least one "
                    + "mlp-* or infer-* benchmark (--only selects them)");
        }
        BufferedImage img = render(panels, title(report), machine, width, height);
        Path dir = png.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(png.toString(), null, "the folder " + dir + " does not exist; create it first");
        }
        if (Files.isDirectory(png)) {
            throw new java.nio.file.FileAlreadyExistsException(png.toString(), null, "is a folder; name a .png file instead");
        }
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

    private static String title(BenchReport report) {
        String threads = report.measurements().stream().map(Measurement::threads).distinct().sorted()
                .map(String::valueOf).collect(Collectors.joining(", "));
        return "aiaas bench: examples/s by batch size, each engine at its best of " + threads + " thread"
                + (threads.contains(",") ? "s" : "") + (report.options().indicative() ? " (indicative: short warm-up)" : "");
    }

    static Color colour(String engine, List<String> engines) {
        Color c = COLOURS.get(engine);
        if (c != null) {
            return c;
        }
        List<String> unknown = engines.stream().filter(e -> !COLOURS.containsKey(e)).collect(Collectors.toList());
        return OTHERS[Math.max(0, unknown.indexOf(engine)) % OTHERS.length];
    }

    private static BufferedImage render(List<Panel> panels, String title, String machine, int width, int height) {
        List<String> engines = new ArrayList<>();
        for (Panel p : panels) {
            for (String e : p.byEngine().keySet()) {
                if (!engines.contains(e)) {
                    engines.add(e);
                }
            }
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            FontMetrics fm = g.getFontMetrics();
            g.setColor(Color.BLACK);
            g.drawString(title, (width - fm.stringWidth(title)) / 2, 20);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            fm = g.getFontMetrics();
            if (machine != null && !machine.isBlank()) {
                g.drawString(machine, (width - fm.stringWidth(machine)) / 2, 38);
            }
            int legendHeight = 28;
            int top = 48;
            int panelWidth = width / panels.size();
            for (int i = 0; i < panels.size(); i++) {
                drawPanel(g, panels.get(i), engines, i * panelWidth, top, panelWidth, height - top - legendHeight);
            }
            drawLegend(g, engines, width, height - legendHeight / 2);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void drawPanel(Graphics2D g, Panel panel, List<String> engines, int x0, int y0, int w, int h) {
        FontMetrics fm = g.getFontMetrics();
        int left = x0 + 70;
        int right = x0 + w - 20;
        int top = y0 + 22;
        int bottom = y0 + h - 40;
        double xlo = Double.POSITIVE_INFINITY;
        double xhi = Double.NEGATIVE_INFINITY;
        double ylo = Double.POSITIVE_INFINITY;
        double yhi = Double.NEGATIVE_INFINITY;
        for (TreeMap<Integer, Double> pts : panel.byEngine().values()) {
            for (Map.Entry<Integer, Double> p : pts.entrySet()) {
                xlo = Math.min(xlo, p.getKey());
                xhi = Math.max(xhi, p.getKey());
                if (p.getValue() > 0 && Double.isFinite(p.getValue())) {
                    ylo = Math.min(ylo, p.getValue());
                    yhi = Math.max(yhi, p.getValue());
                }
            }
        }
        // x: log2 of the batch, half a doubling of margin on each side
        double lx0 = log2(xlo) - 0.5;
        double lx1 = log2(xhi) + 0.5;
        // y: whole decades around the data
        if (!(ylo <= yhi)) {
            ylo = 1;
            yhi = 10;
        }
        int d0 = (int) Math.floor(Math.log10(ylo));
        int d1 = (int) Math.ceil(Math.log10(yhi));
        if (d1 == d0) {
            d1++;
        }
        final double ly0 = d0;
        final double ly1 = d1;
        g.setColor(Color.BLACK);
        g.drawString(panel.title(), left + (right - left - fm.stringWidth(panel.title())) / 2, y0 + 14);
        // y grid: decades and 2x, 5x (lighter; labelled too when the axis spans at most two decades)
        boolean labelMinor = d1 - d0 <= 2;
        for (int d = d0; d <= d1; d++) {
            for (int mult : new int[] {1, 2, 5}) {
                double v = mult * Math.pow(10, d);
                double lv = Math.log10(v);
                if (lv > ly1 + 1e-9) {
                    continue;
                }
                int py = yPixel(lv, ly0, ly1, top, bottom);
                g.setColor(mult == 1 ? new Color(215, 215, 215) : new Color(240, 240, 240));
                g.drawLine(left, py, right, py);
                if (mult == 1 || labelMinor) {
                    g.setColor(mult == 1 ? Color.BLACK : Color.DARK_GRAY);
                    g.drawLine(left - 4, py, left, py);
                    String label = tick(mult, d);
                    g.drawString(label, left - 8 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
                }
            }
        }
        // x ticks: every power of two in range
        g.setColor(Color.BLACK);
        for (int e = (int) Math.ceil(lx0); e <= Math.floor(lx1); e++) {
            int px = xPixel(e, lx0, lx1, left, right);
            g.setColor(new Color(235, 235, 235));
            g.drawLine(px, top, px, bottom);
            g.setColor(Color.BLACK);
            g.drawLine(px, bottom, px, bottom + 4);
            String label = Integer.toString(1 << e);
            g.drawString(label, px - fm.stringWidth(label) / 2, bottom + 6 + fm.getAscent());
        }
        String xLabel = "batch size (log scale)";
        g.drawString(xLabel, (left + right - fm.stringWidth(xLabel)) / 2, bottom + 10 + 2 * fm.getAscent());
        // y label, rotated
        String yLabel = "examples/s (log scale)";
        Graphics2D r = (Graphics2D) g.create();
        try {
            r.rotate(-Math.PI / 2);
            r.drawString(yLabel, -(top + bottom + fm.stringWidth(yLabel)) / 2, x0 + 14);
        } finally {
            r.dispose();
        }
        g.drawLine(left, top, left, bottom);
        g.drawLine(left, bottom, right, bottom);
        // series: lines between batch sizes, a dot at each point
        for (Map.Entry<String, TreeMap<Integer, Double>> e : panel.byEngine().entrySet()) {
            g.setColor(colour(e.getKey(), engines));
            g.setStroke(new BasicStroke(2.5f));
            int px = -1;
            int py = -1;
            for (Map.Entry<Integer, Double> p : e.getValue().entrySet()) {
                if (!(p.getValue() > 0) || !Double.isFinite(p.getValue())) {
                    continue;
                }
                int nx = xPixel(log2(p.getKey()), lx0, lx1, left, right);
                int ny = yPixel(Math.log10(p.getValue()), ly0, ly1, top, bottom);
                if (px >= 0) {
                    g.drawLine(px, py, nx, ny);
                }
                g.fillOval(nx - 5, ny - 5, 10, 10);
                px = nx;
                py = ny;
            }
            g.setStroke(new BasicStroke(1f));
        }
    }

    private static void drawLegend(Graphics2D g, List<String> engines, int width, int y) {
        FontMetrics fm = g.getFontMetrics();
        int total = 0;
        for (String e : engines) {
            total += 30 + fm.stringWidth(e) + 20;
        }
        int x = Math.max(8, (width - total) / 2);
        for (String e : engines) {
            g.setColor(colour(e, engines));
            g.fillRect(x, y - 6, 24, 12);
            g.setColor(Color.BLACK);
            g.drawString(e, x + 30, y + fm.getAscent() / 2 - 1);
            x += 30 + fm.stringWidth(e) + 20;
        }
    }

    /** {@code mult}·10^d as {@code 20,000}, or {@code 2e9} outside 1 to 9,999,999. */
    private static String tick(int mult, int d) {
        if (d >= 0 && d < 7) {
            return String.format(Locale.ROOT, "%,d", mult * (long) Math.pow(10, d));
        }
        return mult + "e" + d;
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    private static int xPixel(double lx, double lx0, double lx1, int left, int right) {
        return (int) Math.round(left + (lx - lx0) / (lx1 - lx0) * (right - left));
    }

    private static int yPixel(double ly, double ly0, double ly1, int top, int bottom) {
        return (int) Math.round(bottom - (ly - ly0) / (ly1 - ly0) * (bottom - top));
    }
}
