package dev.aiaas.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the MLP results of a {@link BenchReport} as a PNG: throughput in examples per second
 * (batch size B over the median step time) against B, one line per engine at its best thread
 * setting, both axes logarithmic. One panel per kind of work: each network's training step, and
 * inference. Each panel is an XChart chart painted into its region of one {@link BufferedImage}
 * (no display needed), under a title and above a shared legend; the PNG is written with ImageIO, so
 * none of XChart's encoders, nor their excluded dependencies, is used.
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
    /** The height of the title lines above the panels, in pixels. */
    private static final int TOP = 48;
    /** The height of the legend below the panels, in pixels. */
    private static final int LEGEND_HEIGHT = 28;

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

    /**
     * {@link #write(BenchReport, String, Path, int, int)} at the default size.
     *
     * @param report  the results
     * @param machine what ran them, for the title
     * @param png     the file to write; its folder must exist
     * @throws IOException when the file cannot be written
     */
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

    /**
     * Where panel {@code index} of {@code count} lies in a chart of {@code width x height} pixels:
     * side by side, between the title lines and the legend.
     */
    static Rectangle panelArea(int index, int count, int width, int height) {
        int panelWidth = width / count;
        return new Rectangle(index * panelWidth, TOP, panelWidth, height - TOP - LEGEND_HEIGHT);
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
            g.setColor(Color.BLACK);
            centred(g, title, new Font(Font.SANS_SERIF, Font.BOLD, 14), width, 20);
            if (machine != null && !machine.isBlank()) {
                centred(g, machine, new Font(Font.SANS_SERIF, Font.PLAIN, 12), width, 38);
            }
            for (int i = 0; i < panels.size(); i++) {
                Rectangle area = panelArea(i, panels.size(), width, height);
                Graphics2D panel = (Graphics2D) g.create(area.x, area.y, area.width, area.height);
                try {
                    chart(panels.get(i), engines, area.width, area.height).paint(panel, area.width, area.height);
                } finally {
                    panel.dispose();
                }
            }
            legend(g, engines, width, height - LEGEND_HEIGHT);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Draws {@code text} centred across {@code width}, its baseline at {@code baseline}. */
    private static void centred(Graphics2D g, String text, Font font, int width, int baseline) {
        g.setFont(font);
        g.drawString(text, Math.max(0, (width - g.getFontMetrics().stringWidth(text)) / 2), baseline);
    }

    /** One row, centred: for each engine a swatch of its colour and its name. */
    private static void legend(Graphics2D g, List<String> engines, int width, int top) {
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        int swatch = 24;
        int gap = 6;
        int between = 20;
        int total = 0;
        for (String e : engines) {
            total += swatch + gap + fm.stringWidth(e) + between;
        }
        int x = Math.max(0, (width - (total - between)) / 2);
        int mid = top + LEGEND_HEIGHT / 2;
        for (String e : engines) {
            g.setColor(colour(e, engines));
            g.fillRect(x, mid - 6, swatch, 12);
            g.setColor(Color.BLACK);
            g.drawString(e, x + swatch + gap, mid + (fm.getAscent() - fm.getDescent()) / 2);
            x += swatch + gap + fm.stringWidth(e) + between;
        }
    }

    /**
     * The label of a tick at {@code log2} on the batch-size axis: the batch size where it is a
     * whole number (powers of two and the sizes measured), nothing in between. Blank labels repeat,
     * which makes XChart widen its tick step to whole doublings.
     */
    static String batchLabel(double log2) {
        double b = Math.pow(2, log2);
        double r = Math.rint(b);
        if (r >= 1 && Math.abs(b - r) <= 1e-6 * r) {
            return String.valueOf((long) r);
        }
        double d = Math.rint(log2);
        return d < 0 && Math.abs(log2 - d) < 1e-9 ? "1/" + (long) Math.pow(2, -d) : "";
    }

    /** log2(b), exact for powers of two (so that their ticks and points coincide). */
    private static double log2(int b) {
        return Integer.bitCount(b) == 1 ? Integer.numberOfTrailingZeros(b) : Math.log(b) / Math.log(2);
    }

    /**
     * One panel: examples/s against the batch size, both axes logarithmic (powers of two across,
     * whole decades up), one line with a dot per point for each engine. The x axis is linear in
     * log2(B), labelled with B.
     */
    private static XYChart chart(Panel panel, List<String> engines, int width, int height) {
        XYChart chart = new XYChart(width, height);
        chart.setTitle(panel.title());
        chart.setXAxisTitle("batch size (log scale)");
        chart.setYAxisTitle("examples/s (log scale)");
        XYStyler st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(215, 215, 215));
        st.setPlotGridLinesStroke(new BasicStroke(1f));
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setChartTitleBoxVisible(false);
        st.setLegendVisible(false);
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        st.setYAxisLabelAlignment(AxesChartStyler.TextAlignment.Right);
        st.setMarkerSize(10);
        st.setxAxisTickLabelsFormattingFunction(ThroughputChart::batchLabel);
        st.setYAxisLogarithmic(true);
        st.setYAxisDecimalPattern("#,##0.###");
        double xlo = Double.POSITIVE_INFINITY;
        double xhi = Double.NEGATIVE_INFINITY;
        double ylo = Double.POSITIVE_INFINITY;
        double yhi = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, TreeMap<Integer, Double>> e : panel.byEngine().entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Map.Entry<Integer, Double> p : e.getValue().entrySet()) {
                double x = log2(p.getKey());
                xlo = Math.min(xlo, x);
                xhi = Math.max(xhi, x);
                if (p.getValue() > 0 && Double.isFinite(p.getValue())) {
                    xs.add(x);
                    ys.add(p.getValue());
                    ylo = Math.min(ylo, p.getValue());
                    yhi = Math.max(yhi, p.getValue());
                }
            }
            if (xs.isEmpty()) {
                continue; // nothing measurable: no line (XChart refuses an empty series)
            }
            XYSeries xy = chart.addSeries(e.getKey(), xs, ys);
            Color c = colour(e.getKey(), engines);
            xy.setLineColor(c);
            xy.setLineStyle(new BasicStroke(2.5f));
            xy.setMarker(SeriesMarkers.CIRCLE);
            xy.setMarkerColor(c);
        }
        if (!(ylo <= yhi)) {
            ylo = 1;
            yhi = 10;
        }
        // x: the measured batch sizes (XChart leaves a margin); y: whole decades around the data
        st.setXAxisMin(xlo);
        st.setXAxisMax(xhi);
        double d0 = Math.floor(Math.log10(ylo));
        double d1 = Math.ceil(Math.log10(yhi));
        st.setYAxisMin(Math.pow(10, d0));
        st.setYAxisMax(Math.pow(10, d1 == d0 ? d1 + 1 : d1));
        return chart;
    }
}
