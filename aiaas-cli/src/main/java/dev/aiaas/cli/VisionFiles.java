package dev.aiaas.cli;

import dev.aiaas.core.io.AtomicFiles;
import dev.aiaas.vision.formation.Surface;
import dev.aiaas.vision.image.Image;
import dev.aiaas.vision.image.ImageFiles;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The pictures and folders of {@code aiaas vision}: grey images in and out through the JDK's
 * ImageIO (PNG written), the output folder.
 */
final class VisionFiles {

    private VisionFiles() {
    }

    /** A grey image: {@code [height · width]} values in [0, 1], row-major, row 0 at the top. */
    record Grey(int width, int height, float[] values) {
    }

    /**
     * Creates the output folder (and no parents): a usage error when its parent is missing or
     * it is a file.
     */
    static void outputFolder(CommandLine cl, String option, Path dir) throws CommandFailedException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return;
        }
        if (Files.exists(abs)) {
            throw new ParameterException(cl, option + ": " + abs + " is a file; name a folder (it is created if missing)");
        }
        Path parent = abs.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new ParameterException(cl, option + ": the folder " + parent + " does not exist; create it first");
        }
        try {
            Files.createDirectory(abs);
        } catch (IOException e) {
            throw new CommandFailedException("cannot create the folder " + abs + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads an image as grey values in [0, 1]: a grey image's samples scaled by their bit depth,
     * a colour image's luma 0.299 R + 0.587 G + 0.114 B (a linear mix, so a Lambertian
     * surface stays Lambertian); alpha is ignored. The size is checked before the pixels are
     * decoded.
     *
     * @throws CommandFailedException when the file is not an image ImageIO reads, or too large
     */
    static Grey readGrey(Path file) throws CommandFailedException {
        Image image;
        try {
            image = ImageFiles.read(file); // bounded: the file's bytes, then width x height from the header
            Surface.pixels(image.width(), image.height());
        } catch (IOException e) { // the image readers' messages name the file
            throw new CommandFailedException(AiaasCommand.oneLine(e), e);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(file + ": " + AiaasCommand.oneLine(e), e);
        }
        int w = image.width();
        int h = image.height();
        float[] chw = image.toChw();
        int plane = w * h;
        float[] values = new float[plane];
        if (image.channels() >= 3) {
            for (int i = 0; i < plane; i++) {
                values[i] = (float) (0.299 * chw[i] + 0.587 * chw[plane + i] + 0.114 * chw[2 * plane + i]);
            }
        } else {
            System.arraycopy(chw, 0, values, 0, plane); // grey (and grey + alpha: alpha ignored)
        }
        return new Grey(w, h, values);
    }

    /** Writes values in [0, 1] (clamped) as an 8-bit grey PNG, atomically. */
    static void writeGreyPng(Path file, float[] values, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                raster.setSample(c, r, 0, Math.round(Math.min(1f, Math.max(0f, values[r * width + c])) * 255));
            }
        }
        writePng(file, image);
    }

    /** Writes a normal map as an 8-bit RGB PNG, (n + 1) / 2 per component, black where the normal is 0. */
    static void writeNormalsPng(Path file, float[] normals, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                int i = r * width + c;
                float x = normals[3 * i];
                float y = normals[3 * i + 1];
                float z = normals[3 * i + 2];
                int rgb = 0;
                if (x != 0 || y != 0 || z != 0) {
                    rgb = byteOf(x) << 16 | byteOf(y) << 8 | byteOf(z);
                }
                image.setRGB(c, r, rgb);
            }
        }
        writePng(file, image);
    }

    private static int byteOf(float component) {
        return Math.round(Math.min(1f, Math.max(0f, (component + 1) / 2)) * 255);
    }

    private static void writePng(Path file, BufferedImage image) throws IOException {
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this JVM");
            }
        });
    }
}
