package dev.aiaas.core.train;

import dev.aiaas.core.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a {@link History} as a PNG with XChart: a loss panel (loss, val_loss) and, when
 * accuracy was logged, an accuracy panel below it, each with epochs on the x axis and its own
 * legend. Each panel is painted into a region of one {@link BufferedImage} (no display needed) and
 * the image is written with ImageIO, so none of XChart's encoders, nor their excluded
 * dependencies, is used.
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
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int panelHeight = height / panels.size();
            for (int i = 0; i < panels.size(); i++) {
                Graphics2D panel = (Graphics2D) g.create(0, i * panelHeight, width, panelHeight);
                try {
                    chart(panels.get(i), i == 0 ? "loss" : "accuracy", width, panelHeight).paint(panel, width, panelHeight);
                } finally {
                    panel.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        writeAtomically(img, png);
    }

    /** Writes a PNG atomically ({@link AtomicFiles#write}: beside the target, then moved over it). */
    static void writeAtomically(BufferedImage img, Path png) throws IOException {
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer is available in this Java runtime");
            }
        });
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

    /** One panel: the series against the epoch (from 1), lines with a dot per epoch; a NaN leaves a gap. */
    private static XYChart chart(List<Series> series, String title, int width, int height) {
        XYChart chart = new XYChart(width, height);
        chart.setTitle(title);
        chart.setXAxisTitle("epoch");
        XYStyler st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(230, 230, 230));
        st.setPlotGridLinesStroke(new BasicStroke(1f));
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        st.setChartTitleBoxVisible(false);
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setLegendBorderColor(new Color(200, 200, 200));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        st.setYAxisLabelAlignment(AxesChartStyler.TextAlignment.Right);
        st.setXAxisDecimalPattern("0"); // whole epochs only: finer steps would repeat a label, which XChart avoids
        st.setMarkerSize(7);
        double[] epochs = new double[series.get(0).values().length];
        for (int e = 0; e < epochs.length; e++) {
            epochs[e] = e + 1;
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            double[] v = s.values().clone();
            for (int e = 0; e < v.length; e++) {
                v[e] = Double.isFinite(v[e]) ? v[e] : Double.NaN;
                if (!Double.isNaN(v[e])) {
                    lo = Math.min(lo, v[e]);
                    hi = Math.max(hi, v[e]);
                }
            }
            XYSeries xy = chart.addSeries(s.name(), epochs, v);
            xy.setLineColor(s.colour());
            xy.setLineStyle(new BasicStroke(2f));
            xy.setMarker(SeriesMarkers.CIRCLE);
            xy.setMarkerColor(s.colour());
        }
        if (lo <= hi) {
            st.setYAxisDecimalPattern(valuePattern(lo, hi));
        }
        return chart;
    }

    /**
     * A decimal pattern for values from {@code lo} to {@code hi}: two digits finer than their span
     * (or than the value itself when all are equal). XChart puts the ticks at the values themselves
     * when these are equally spaced (one or two epochs, for example), and would print them in full.
     */
    static String valuePattern(double lo, double hi) {
        double span = hi - lo;
        if (!(span > 0)) {
            span = Math.abs(hi) > 0 ? Math.abs(hi) : 1;
        }
        int decimals = (int) Math.max(0, Math.min(8, Math.ceil(-Math.log10(span)) + 2));
        return decimals == 0 ? "0" : "0." + "#".repeat(decimals);
    }
}
