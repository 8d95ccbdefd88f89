package dev.aiaas.vision.transform;

import dev.aiaas.vision.image.Image;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The augmentation policies RandAugment (Cubuk et al., "RandAugment: Practical automated data
 * augmentation with a reduced search space", CVPR Workshops 2020) and TrivialAugment Wide (Müller
 * and Hutter, "TrivialAugment: Tuning-free Yet State-of-the-Art Data Augmentation", ICCV 2021), with
 * torchvision 0.14's operations and magnitude bins. Shears, translations and rotations move boxes
 * and masks; posterize, solarize and equalize act on 8-bit levels (solarize's threshold in
 * 0..255 levels, as torchvision's on bytes).
 *
 * @param trivial       TrivialAugment (one op, a random magnitude bin) rather than RandAugment
 * @param numOps        RandAugment's operations per image, 1 to 16
 * @param magnitude     RandAugment's magnitude bin, 0 to {@code bins - 1}
 * @param bins          magnitude bins, 2 to 1000 (torchvision: 31)
 * @param interpolation NEAREST (torchvision's default) or BILINEAR, for the warps
 * @param fill          the value where warped images do not reach
 */
record AutoAugment(boolean trivial, int numOps, int magnitude, int bins, Interpolation interpolation, float fill) implements Transform {

    /** The operations, in torchvision's order. */
    static final List<String> OPS = List.of("Identity", "ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate", "Brightness",
            "Color", "Contrast", "Sharpness", "Posterize", "Solarize", "AutoContrast", "Equalize");

    AutoAugment {
        if (bins < 2 || bins > 1000) {
            throw new IllegalArgumentException("bins=" + bins + ": expected 2 to 1000 magnitude bins (torchvision: 31)");
        }
        if (!trivial && (numOps < 1 || numOps > 16)) {
            throw new IllegalArgumentException("numOps=" + numOps + ": expected 1 to 16 operations per image (torchvision: 2)");
        }
        if (!trivial && (magnitude < 0 || magnitude >= bins)) {
            throw new IllegalArgumentException("magnitude=" + magnitude + ": expected a bin from 0 to " + (bins - 1) + " (torchvision: 9)");
        }
        if (interpolation != Interpolation.NEAREST && interpolation != Interpolation.BILINEAR) {
            throw new IllegalArgumentException("interpolation " + interpolation + ": expected NEAREST or BILINEAR");
        }
    }

    @Override
    public Sample apply(Sample sample, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Sample s = sample;
        int n = trivial ? 1 : numOps;
        for (int k = 0; k < n; k++) {
            int op = r.nextInt(OPS.size());
            int bin = trivial ? r.nextInt(bins) : magnitude;
            double m = magnitude(OPS.get(op), bin, s.image().height(), s.image().width());
            if (signed(OPS.get(op)) && r.nextInt(2) == 1) {
                m = -m;
            }
            s = apply(s, OPS.get(op), m);
        }
        return s;
    }

    private static boolean signed(String op) {
        return switch (op) {
            case "ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate", "Brightness", "Color", "Contrast", "Sharpness" -> true;
            default -> false;
        };
    }

    /** torchvision's magnitude of bin {@code b}: {@code linspace(0, max, bins)[b]} and the rest as its tables. */
    double magnitude(String op, int b, int h, int w) {
        double t = (double) b / (bins - 1);
        return switch (op) {
            case "ShearX", "ShearY" -> (trivial ? 0.99 : 0.3) * t;
            case "TranslateX" -> (trivial ? 32.0 : 150.0 / 331.0 * w) * t;
            case "TranslateY" -> (trivial ? 32.0 : 150.0 / 331.0 * h) * t;
            case "Rotate" -> (trivial ? 135.0 : 30.0) * t;
            case "Brightness", "Color", "Contrast", "Sharpness" -> (trivial ? 0.99 : 0.9) * t;
            case "Posterize" -> 8 - Math.rint(b / ((bins - 1) / (trivial ? 6.0 : 4.0)));
            case "Solarize" -> 255.0 * (1 - t);
            default -> 0.0;
        };
    }

    private Sample apply(Sample s, String op, double m) {
        int w = s.image().width();
        int h = s.image().height();
        double[] matrix;
        switch (op) {
            case "ShearX":
                matrix = ImageOps.inverseAffine(-w * 0.5, -h * 0.5, 0, 0, 0, 1, Math.toDegrees(Math.atan(m)), 0);
                break;
            case "ShearY":
                matrix = ImageOps.inverseAffine(-w * 0.5, -h * 0.5, 0, 0, 0, 1, 0, Math.toDegrees(Math.atan(m)));
                break;
            case "TranslateX":
                matrix = ImageOps.inverseAffine(0, 0, 0, (int) m, 0, 1, 0, 0);
                break;
            case "TranslateY":
                matrix = ImageOps.inverseAffine(0, 0, 0, 0, (int) m, 1, 0, 0);
                break;
            case "Rotate":
                matrix = ImageOps.inverseAffine(0, 0, -m, 0, 0, 1, 0, 0);
                break;
            default:
                return new Sample(colour(s.image(), op, m), s.boxes(), s.mask());
        }
        Image image = ImageOps.warp(s.image(), matrix, interpolation, fill);
        Image mask = s.mask() == null ? null : ImageOps.warp(s.mask(), matrix, Interpolation.NEAREST, 0f);
        return new Sample(image, Affine2.fromCentredInverse(matrix, w, h).map(s.boxes(), w, h), mask);
    }

    private static Image colour(Image im, String op, double m) {
        return switch (op) {
            case "Brightness" -> ImageOps.adjustBrightness(im, 1 + m);
            case "Color" -> ImageOps.adjustSaturation(im, 1 + m);
            case "Contrast" -> ImageOps.adjustContrast(im, 1 + m);
            case "Sharpness" -> ImageOps.adjustSharpness(im, 1 + m);
            case "Posterize" -> ImageOps.posterize(im, (int) m);
            case "Solarize" -> ImageOps.solarize(im, m / 255.0);
            case "AutoContrast" -> ImageOps.autocontrast(im);
            case "Equalize" -> ImageOps.equalize(im);
            default -> im;
        };
    }
}
