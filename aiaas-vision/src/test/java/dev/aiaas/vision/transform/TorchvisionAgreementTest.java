package dev.aiaas.vision.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.vision.image.Image;
import dev.aiaas.vision.image.ImageFiles;
import dev.aiaas.vision.image.ImageLimits;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The operations against torchvision 0.14 ({@code transforms.functional} on float tensors) on two
 * real photos, from fixtures written once by {@code tools/torchvision_transforms_reference.py}.
 * Tolerance: every sample within the fixture's storage precision ({@code step / 2}: a value is
 * stored as a 16-bit step of its record's range, 7.6e-6 for [0, 1], 3.5e-5 for normalize's range)
 * plus 1e-5 for float rounding in another order. Measured (December 2026): every operation, also
 * the rotations and the affine warp (torchvision computes their sampling grid in float32, this
 * code in double), within that bound; perspective within storage + 1e-4 (torchvision solves for
 * its coefficients by float32 least squares; measured 1.6e-5). Nearest-neighbour rotations may differ in up to 1% of the
 * samples (a coordinate within float32 rounding of a pixel boundary may round the other way);
 * none does on these photos.
 */
class TorchvisionAgreementTest {

    private static final String DIR = "/dev/aiaas/vision/transform/photos/";

    record Reference(String name, Image image, double step) {
    }

    static Image photo(String name) throws IOException {
        try (InputStream in = TorchvisionAgreementTest.class.getResourceAsStream(DIR + name)) {
            return ImageFiles.decode(in.readAllBytes(), name, ImageLimits.defaults());
        }
    }

    static List<Reference> references() throws IOException {
        List<Reference> out = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(
                TorchvisionAgreementTest.class.getResourceAsStream(DIR + "torchvision-reference.bin.gz")))) {
            while (true) {
                int n;
                try {
                    n = in.readUnsignedShort();
                } catch (EOFException end) {
                    break;
                }
                byte[] nb = in.readNBytes(n);
                int c = in.readInt();
                int h = in.readInt();
                int w = in.readInt();
                double lo = in.readDouble();
                double step = in.readDouble();
                float[] v = new float[c * h * w];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (lo + in.readUnsignedShort() * step);
                }
                out.add(new Reference(new String(nb, StandardCharsets.UTF_8), Image.of(c, h, w, v), step));
            }
        }
        return out;
    }

    /** This library's result for a fixture's operation, e.g. {@code resize:bilinear:19:27}. */
    static Image compute(Image x, String op) {
        String[] a = op.split(":");
        switch (a[0]) {
            case "resize": {
                Interpolation in = switch (a[1]) {
                    case "nearest" -> Interpolation.NEAREST;
                    case "bilinear" -> Interpolation.BILINEAR;
                    case "bicubic" -> Interpolation.BICUBIC;
                    case "area" -> Interpolation.AREA;
                    default -> Interpolation.BILINEAR_ANTIALIAS;
                };
                return ImageOps.resize(x, Integer.parseInt(a[2]), Integer.parseInt(a[3]), in);
            }
            case "rotate":
                return ImageOps.rotate(x, Double.parseDouble(a[2]), a[1].equals("nearest") ? Interpolation.NEAREST : Interpolation.BILINEAR, 0f);
            case "affine":
                return ImageOps.affine(x, d(a[2]), d(a[3]), d(a[4]), d(a[5]), d(a[6]), d(a[7]), Interpolation.BILINEAR, 0f);
            case "perspective": {
                // perspective:bilinear:x0:y0:x1:y1:x2:y2:x3:y3, the end points of the corners
                int w = x.width();
                int h = x.height();
                double[][] from = {{0, 0}, {w - 1, 0}, {w - 1, h - 1}, {0, h - 1}};
                double[][] to = new double[4][2];
                for (int k = 0; k < 4; k++) {
                    to[k][0] = d(a[2 + 2 * k]);
                    to[k][1] = d(a[3 + 2 * k]);
                }
                return ImageOps.perspective(x, from, to, a[1].equals("nearest") ? Interpolation.NEAREST : Interpolation.BILINEAR, 0f);
            }
            case "adjust_hue":
                return ImageOps.adjustHue(x, d(a[1]));
            case "adjust_saturation":
                return ImageOps.adjustSaturation(x, d(a[1]));
            case "adjust_brightness":
                return ImageOps.adjustBrightness(x, d(a[1]));
            case "adjust_contrast":
                return ImageOps.adjustContrast(x, d(a[1]));
            case "adjust_sharpness":
                return ImageOps.adjustSharpness(x, d(a[1]));
            case "center_crop":
                return ImageOps.centerCrop(x, Integer.parseInt(a[1]), Integer.parseInt(a[2]));
            case "crop":
                return ImageOps.crop(x, Integer.parseInt(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]));
            case "hflip":
                return ImageOps.horizontalFlip(x);
            case "vflip":
                return ImageOps.verticalFlip(x);
            case "pad":
                return ImageOps.pad(x, Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]), Integer.parseInt(a[5]),
                        PadMode.valueOf(a[1].toUpperCase(java.util.Locale.ROOT)), 0f);
            case "rgb_to_grayscale":
                return ImageOps.grayscale(x, Integer.parseInt(a[1]));
            case "gaussian_blur":
                return ImageOps.gaussianBlur(x, Integer.parseInt(a[1]), Integer.parseInt(a[2]), d(a[3]), d(a[4]));
            case "autocontrast":
                return ImageOps.autocontrast(x);
            case "solarize":
                return ImageOps.solarize(x, d(a[1]));
            case "invert":
                return ImageOps.invert(x);
            case "normalize":
                return ImageOps.normalize(x, Transforms.IMAGENET_MEAN, Transforms.IMAGENET_STD);
            case "posterize":
                return ImageOps.posterize(x, Integer.parseInt(a[1]));
            case "equalize":
                return ImageOps.equalize(x);
            default:
                throw new IllegalArgumentException("no Java counterpart for the fixture's operation " + op);
        }
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }

    @Test
    void everyOperationAgreesWithTorchvision() throws IOException {
        Map<String, Image> photos = Map.of("dog", photo("dog.png"), "eagle", photo("eagle.png"));
        List<Reference> refs = references();
        assertTrue(refs.size() >= 40, refs.size() + " fixtures");
        Map<String, String> worst = new LinkedHashMap<>();
        for (Reference r : refs) {
            String photo = r.name().substring(0, r.name().indexOf(':'));
            String op = r.name().substring(photo.length() + 1);
            Image mine = compute(photos.get(photo), op);
            Image ref = r.image();
            assertEquals(ref.channels(), mine.channels(), r.name() + " channels");
            assertEquals(ref.height(), mine.height(), r.name() + " height");
            assertEquals(ref.width(), mine.width(), r.name() + " width");
            float[] m = mine.toChw();
            float[] t = ref.toChw();
            double tolerance = r.step() / 2 + (op.startsWith("perspective") ? 1e-4 : 1e-5);
            double max = 0;
            int bad = 0;
            for (int i = 0; i < m.length; i++) {
                double diff = Math.abs(m[i] - t[i]);
                max = Math.max(max, diff);
                bad += diff > tolerance ? 1 : 0;
            }
            worst.put(r.name(), String.format("%.2e", max));
            if (op.startsWith("rotate:nearest")) {
                assertTrue(bad <= m.length / 100, r.name() + ": " + bad + " of " + m.length + " samples differ");
            } else {
                assertTrue(max <= tolerance, r.name() + ": largest difference " + max + " > " + tolerance);
            }
        }
        System.out.println("torchvision agreement, largest difference per operation: " + worst);
    }

    /**
     * The Java JPEG decoder (TwelveMonkeys) against libjpeg (PIL's decoding of the same file): IDCT
     * and chroma upsampling could differ in rounding: the bound is 1 level on average and 8 at most;
     * measured: the same samples (both use libjpeg's algorithms).
     */
    @Test
    void jpegDecodingAgreesWithLibjpeg() throws IOException {
        Image java = photo("dog.jpg");
        Image pil = photo("dog-jpeg-pil.png");
        assertEquals(pil.channels(), java.channels());
        assertEquals(pil.height(), java.height());
        assertEquals(pil.width(), java.width());
        float[] a = java.toChw();
        float[] b = pil.toChw();
        double max = 0;
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]) * 255;
            max = Math.max(max, d);
            sum += d;
        }
        System.out.printf("JPEG decoding vs libjpeg: largest difference %.0f levels, mean %.3f levels%n", max, sum / a.length);
        assertTrue(sum / a.length <= 1.0, "mean difference " + sum / a.length + " levels");
        assertTrue(max <= 8, "largest difference " + max + " levels");
    }
}
