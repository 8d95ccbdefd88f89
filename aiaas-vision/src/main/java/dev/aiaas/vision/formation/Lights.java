package dev.aiaas.vision.formation;

import dev.aiaas.core.io.AtomicFiles;
import dev.aiaas.core.io.CorruptInputException;
import dev.aiaas.core.io.InputLimitException;
import dev.aiaas.core.io.Inputs;
import dev.aiaas.core.io.LineReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Sets of lights: a seeded ring for renders, and the lights file of {@code aiaas vision}: UTF-8
 * text, one light per image, {@code x y z [intensity]} separated by spaces or tabs (the direction
 * from the surface toward the light in the frame of the package comment, any length; intensity 1
 * when absent). Empty lines and lines starting with {@code #} are skipped.
 */
public final class Lights {

    /** The most lights a file may hold. */
    public static final int MAX_LIGHTS = PhotometricStereo.MAX_IMAGES;
    /** The longest line of a lights file, in characters. */
    public static final int MAX_LINE_CHARS = 1000;
    /** The most bytes a lights file may have (after decompression). */
    public static final long MAX_BYTES = 1 << 20;

    private Lights() {
    }

    /**
     * Lights around the view axis for photometric stereo: azimuths evenly spread with ±10° of
     * jitter, elevations between 35° and 65°, drawn from the seed; intensity 1.
     *
     * @param count how many, 1 to {@value #MAX_LIGHTS}
     * @param seed  the seed of the jitter and elevations
     * @return the lights
     */
    public static List<Light> ring(int count, long seed) {
        if (count < 1 || count > MAX_LIGHTS) {
            throw new IllegalArgumentException("count=" + count + ": expected 1 to " + MAX_LIGHTS + " lights, for example 12");
        }
        SplittableRandom r = new SplittableRandom(seed);
        List<Light> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(Light.fromAngles(360.0 * i / count + r.nextDouble(-10, 10), r.nextDouble(35, 65)));
        }
        return List.copyOf(out);
    }

    /**
     * The lines of a lights file: {@code x y z intensity} with 17 significant digits (the values
     * read back exactly).
     *
     * @param lights the lights
     * @return the text, one line per light
     */
    public static String format(List<Light> lights) {
        StringBuilder sb = new StringBuilder();
        for (Light l : lights) {
            sb.append(String.format(Locale.ROOT, "%.17g %.17g %.17g %.17g%n", l.x(), l.y(), l.z(), l.intensity()));
        }
        return sb.toString();
    }

    /**
     * Writes a lights file atomically.
     *
     * @param file   the file, in an existing folder
     * @param lights the lights
     * @throws IOException if it cannot be written
     */
    public static void write(Path file, List<Light> lights) throws IOException {
        String text = format(lights);
        AtomicFiles.write(file, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.write(text);
            w.flush();
        });
    }

    /**
     * Reads a lights file (plain or gzip-compressed).
     *
     * @param file the file
     * @return the lights, in the file's order
     * @throws LightsFormatException if a line is malformed, a value out of range, the file has no
     *                               light, more than {@value #MAX_LIGHTS}, or exceeds the size limits
     * @throws IOException           if the file cannot be read
     */
    public static List<Light> read(Path file) throws IOException {
        List<Light> out = new ArrayList<>();
        String fix = "a lights file has one short line per image, at most " + MAX_LIGHTS + " lines";
        try (LineReader lines = Inputs.lines(file, MAX_BYTES, MAX_LINE_CHARS, fix)) {
            String line;
            while ((line = lines.readLine()) != null) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                if (out.size() == MAX_LIGHTS) {
                    throw new LightsFormatException(file, "more than " + MAX_LIGHTS + " lights; " + fix, null);
                }
                out.add(parse(file, lines.lineNumber(), t));
            }
        } catch (InputLimitException | CorruptInputException e) {
            throw new LightsFormatException(file, e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new LightsFormatException(file, "no lights: expected one line 'x y z [intensity]' per image", null);
        }
        return List.copyOf(out);
    }

    private static Light parse(Path file, long lineNumber, String line) throws LightsFormatException {
        String[] f = line.split("[ \t,]+");
        String where = "line " + lineNumber + " " + Inputs.excerpt(line) + ": ";
        if (f.length < 3 || f.length > 4) {
            throw new LightsFormatException(file, where + "expected 3 or 4 numbers 'x y z [intensity]', found " + f.length + " fields",
                    null);
        }
        double[] v = new double[4];
        v[3] = 1;
        for (int i = 0; i < f.length; i++) {
            try {
                v[i] = Double.parseDouble(f[i]);
            } catch (NumberFormatException e) {
                throw new LightsFormatException(file, where + "field " + (i + 1) + " " + Inputs.excerpt(f[i]) + " is not a number", e);
            }
        }
        try {
            return new Light(v[0], v[1], v[2], v[3]);
        } catch (IllegalArgumentException e) {
            throw new LightsFormatException(file, where + e.getMessage(), e);
        }
    }
}
