package dev.aiaas.vision.transform;

import dev.aiaas.vision.formation.PhysicalAugment;
import dev.aiaas.vision.formation.SensorNoise;

import dev.aiaas.vision.image.Image;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The catalogue of transforms (torchvision.transforms.v2's, with an explicit seed per call; see
 * {@link Transform}). Geometric transforms move the boxes and the mask with the image; colour
 * transforms change the image alone. Probabilities are in [0, 1]; ranges are {@code [min, max]}
 * with {@code min <= max}, drawn uniformly. Every factory validates its arguments
 * ({@link IllegalArgumentException} naming the bad one).
 */
public final class Transforms {

    /** ImageNet's channel means (RGB), for {@link #normalize}. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};

    /** ImageNet's channel standard deviations (RGB), for {@link #normalize}. */
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private Transforms() {
    }

    // ---------------------------------------------------------------- composition

    /**
     * The transforms in order; step {@code i} draws from {@code Seeds.mix(seed, i)}.
     *
     * @param steps the transforms, at least one
     * @return the composition
     */
    public static Transform compose(Transform... steps) {
        return compose(Arrays.asList(steps));
    }

    /**
     * The transforms in order; step {@code i} draws from {@code Seeds.mix(seed, i)}.
     *
     * @param steps the transforms, at least one
     * @return the composition
     */
    public static Transform compose(List<Transform> steps) {
        Objects.requireNonNull(steps, "steps");
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("steps is empty: expected at least one transform");
        }
        for (Transform t : steps) {
            Objects.requireNonNull(t, "a step of compose");
        }
        return new Compose(List.copyOf(steps));
    }

    /**
     * Applies {@code transform} with probability {@code p}, else passes the sample through.
     *
     * @param p         probability in [0, 1]
     * @param transform the transform
     * @return the transform
     */
    public static Transform randomApply(double p, Transform transform) {
        return new RandomApply(p, Objects.requireNonNull(transform, "transform"));
    }

    /**
     * Applies one of the transforms, chosen uniformly.
     *
     * @param choices at least one transform
     * @return the transform
     */
    public static Transform randomChoice(List<Transform> choices) {
        Objects.requireNonNull(choices, "choices");
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("choices is empty: expected at least one transform");
        }
        return new RandomChoice(List.copyOf(choices));
    }

    // ---------------------------------------------------------------- geometry

    /**
     * Resizes to {@code height x width}.
     *
     * @param height        rows, at least 1
     * @param width         columns, at least 1
     * @param interpolation how samples are computed ({@link Interpolation#BILINEAR} is torchvision's default)
     * @return the transform
     */
    public static Transform resize(int height, int width, Interpolation interpolation) {
        return new Resize(height, width, 0, interpolation);
    }

    /**
     * Resizes so that the shorter side is {@code size}, keeping the aspect ratio (the longer side
     * {@code floor(size * long / short)}, as torchvision's {@code Resize(int)}).
     *
     * @param size          the shorter side's pixels, at least 1
     * @param interpolation how samples are computed
     * @return the transform
     */
    public static Transform resizeShorter(int size, Interpolation interpolation) {
        return new Resize(0, 0, size, interpolation);
    }

    /**
     * Crops the centre (zero padding where the crop is larger than the image).
     *
     * @param height rows, at least 1
     * @param width  columns, at least 1
     * @return the transform
     */
    public static Transform centerCrop(int height, int width) {
        return new Crop(height, width, false);
    }

    /**
     * Crops a rectangle at a random position (centred along an axis where the image is smaller).
     *
     * @param height rows, at least 1
     * @param width  columns, at least 1
     * @return the transform
     */
    public static Transform randomCrop(int height, int width) {
        return new Crop(height, width, true);
    }

    /**
     * Crops a random part, then resizes it to {@code height x width} (Inception's crop, torchvision's
     * {@code RandomResizedCrop}): area fraction from {@code [scaleMin, scaleMax]}, aspect ratio
     * log-uniform from {@code [ratioMin, ratioMax]}, 10 tries, then a central crop.
     *
     * @param height        output rows
     * @param width         output columns
     * @param scaleMin      least area fraction, in (0, 1] (torchvision: 0.08)
     * @param scaleMax      most area fraction, in [scaleMin, 1] (torchvision: 1)
     * @param ratioMin      least width/height, positive (torchvision: 3/4)
     * @param ratioMax      most width/height (torchvision: 4/3)
     * @param interpolation how the crop is resized
     * @return the transform
     */
    public static Transform randomResizedCrop(int height, int width, double scaleMin, double scaleMax, double ratioMin,
            double ratioMax, Interpolation interpolation) {
        return new RandomResizedCrop(height, width, scaleMin, scaleMax, ratioMin, ratioMax, interpolation);
    }

    /**
     * {@link #randomResizedCrop(int, int, double, double, double, double, Interpolation)} with
     * torchvision's defaults: scale [0.08, 1], ratio [3/4, 4/3], bilinear.
     *
     * @param height output rows
     * @param width  output columns
     * @return the transform
     */
    public static Transform randomResizedCrop(int height, int width) {
        return randomResizedCrop(height, width, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, Interpolation.BILINEAR);
    }

    /**
     * Pads the sides.
     *
     * @param left   columns on the left, at least 0
     * @param top    rows on top, at least 0
     * @param right  columns on the right, at least 0
     * @param bottom rows at the bottom, at least 0
     * @param mode   what the border holds
     * @param fill   the border's value for {@link PadMode#CONSTANT}
     * @return the transform
     */
    public static Transform pad(int left, int top, int right, int bottom, PadMode mode, float fill) {
        return new Pad(left, top, right, bottom, mode, fill);
    }

    /**
     * Mirrors left to right with probability {@code p}.
     *
     * @param p probability in [0, 1] (torchvision: 0.5)
     * @return the transform
     */
    public static Transform horizontalFlip(double p) {
        return new Flip(p, true);
    }

    /**
     * Mirrors top to bottom with probability {@code p}.
     *
     * @param p probability in [0, 1]
     * @return the transform
     */
    public static Transform verticalFlip(double p) {
        return new Flip(p, false);
    }

    /**
     * Rotates about the centre by an angle drawn from {@code [minDegrees, maxDegrees]},
     * counter-clockwise, keeping the size.
     *
     * @param minDegrees    least angle
     * @param maxDegrees    most angle
     * @param interpolation {@link Interpolation#NEAREST} or {@link Interpolation#BILINEAR}
     * @param fill          the value where the rotated image does not reach
     * @return the transform
     */
    public static Transform rotation(double minDegrees, double maxDegrees, Interpolation interpolation, float fill) {
        return new Warp(minDegrees, maxDegrees, 0, 0, 1, 1, 0, 0, interpolation, fill, true);
    }

    /**
     * A random affine transform about the centre (torchvision's {@code RandomAffine}): angle from
     * {@code [minDegrees, maxDegrees]}; translation up to {@code translate * size} each way, rounded
     * to whole pixels; scale from {@code [scaleMin, scaleMax]}; shear along x from
     * {@code [-shear, shear]} degrees.
     *
     * @param minDegrees    least angle (clockwise, as torchvision's affine)
     * @param maxDegrees    most angle
     * @param translate     the largest translation as a fraction of the size, in [0, 1]
     * @param scaleMin      least scale, positive
     * @param scaleMax      most scale
     * @param shear         the largest shear angle along x, degrees in [0, 80]
     * @param interpolation {@link Interpolation#NEAREST} or {@link Interpolation#BILINEAR}
     * @param fill          the value where the image does not reach
     * @return the transform
     */
    public static Transform affine(double minDegrees, double maxDegrees, double translate, double scaleMin, double scaleMax,
            double shear, Interpolation interpolation, float fill) {
        return new Warp(minDegrees, maxDegrees, translate, translate, scaleMin, scaleMax, -shear, shear, interpolation, fill, false);
    }

    /**
     * A random perspective (torchvision's {@code RandomPerspective}): with probability {@code p}, each
     * corner moves inwards by up to {@code distortion} times half the size (whole pixels), and the
     * image is warped so that the corners go there.
     *
     * @param distortion    in [0, 1] (torchvision: 0.5)
     * @param p             probability in [0, 1] (torchvision: 0.5)
     * @param interpolation {@link Interpolation#NEAREST} or {@link Interpolation#BILINEAR}
     * @param fill          the value where the image does not reach
     * @return the transform
     */
    public static Transform perspective(double distortion, double p, Interpolation interpolation, float fill) {
        return new Perspective(distortion, p, interpolation, fill);
    }

    // ---------------------------------------------------------------- colour

    /**
     * Colour jitter (torchvision's {@code ColorJitter}): brightness, contrast and saturation factors
     * from {@code [max(0, 1 - v), 1 + v]}, hue from {@code [-hue, hue]}, applied in a random order;
     * a 0 skips that adjustment.
     *
     * @param brightness at least 0
     * @param contrast   at least 0
     * @param saturation at least 0
     * @param hue        in [0, 0.5]
     * @return the transform
     */
    public static Transform colorJitter(double brightness, double contrast, double saturation, double hue) {
        return new ColorJitter(brightness, contrast, saturation, hue);
    }

    /**
     * Grey levels, in 1 or 3 channels.
     *
     * @param outputChannels 1 or 3
     * @return the transform
     */
    public static Transform grayscale(int outputChannels) {
        return new Grayscale(outputChannels, 1.0);
    }

    /**
     * Grey levels with probability {@code p}, kept in as many channels as the input's colour has (3
     * for RGB), as torchvision's {@code RandomGrayscale}.
     *
     * @param p probability in [0, 1] (torchvision: 0.1)
     * @return the transform
     */
    public static Transform randomGrayscale(double p) {
        return new Grayscale(0, p);
    }

    /**
     * Gaussian blur with a standard deviation drawn from {@code [sigmaMin, sigmaMax]}.
     *
     * @param kernelSize odd, at least 1
     * @param sigmaMin   least standard deviation in pixels, positive (torchvision: 0.1)
     * @param sigmaMax   most (torchvision: 2)
     * @return the transform
     */
    public static Transform gaussianBlur(int kernelSize, double sigmaMin, double sigmaMax) {
        return new Blur(kernelSize, sigmaMin, sigmaMax);
    }

    /**
     * Sharpness adjusted by {@code factor} with probability {@code p}.
     *
     * @param factor at least 0; 1 is the identity
     * @param p      probability in [0, 1]
     * @return the transform
     */
    public static Transform sharpness(double factor, double p) {
        if (!(factor >= 0) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException("sharpness factor=" + factor + ": expected a finite value >= 0");
        }
        return new Pointwise("sharpness", p, im -> ImageOps.adjustSharpness(im, factor));
    }

    /**
     * Posterize to {@code bits} bits with probability {@code p}.
     *
     * @param bits 1 to 8
     * @param p    probability in [0, 1]
     * @return the transform
     */
    public static Transform posterize(int bits, double p) {
        if (bits < 1 || bits > 8) {
            throw new IllegalArgumentException("bits=" + bits + ": expected 1 to 8 bits kept");
        }
        return new Pointwise("posterize", p, im -> ImageOps.posterize(im, bits));
    }

    /**
     * Solarize at {@code threshold} with probability {@code p}.
     *
     * @param threshold in [0, 1]
     * @param p         probability in [0, 1]
     * @return the transform
     */
    public static Transform solarize(double threshold, double p) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold=" + threshold + ": expected a value in [0, 1]");
        }
        return new Pointwise("solarize", p, im -> ImageOps.solarize(im, threshold));
    }

    /**
     * Autocontrast with probability {@code p}.
     *
     * @param p probability in [0, 1]
     * @return the transform
     */
    public static Transform autocontrast(double p) {
        return new Pointwise("autocontrast", p, ImageOps::autocontrast);
    }

    /**
     * Histogram equalization with probability {@code p}.
     *
     * @param p probability in [0, 1]
     * @return the transform
     */
    public static Transform equalize(double p) {
        return new Pointwise("equalize", p, ImageOps::equalize);
    }

    /**
     * Inversion with probability {@code p}.
     *
     * @param p probability in [0, 1]
     * @return the transform
     */
    public static Transform invert(double p) {
        return new Pointwise("invert", p, ImageOps::invert);
    }

    /**
     * Random erasing (Zhong et al., "Random Erasing Data Augmentation", AAAI 2020; torchvision's
     * {@code RandomErasing}): with probability {@code p}, a rectangle of area fraction from
     * {@code [scaleMin, scaleMax]} and aspect ratio log-uniform from {@code [ratioMin, ratioMax]}
     * (10 tries) is set to {@code value}. Boxes and mask are kept.
     *
     * @param p        probability in [0, 1] (torchvision: 0.5)
     * @param scaleMin least area fraction, in (0, 1] (torchvision: 0.02)
     * @param scaleMax most area fraction (torchvision: 0.33)
     * @param ratioMin least aspect ratio, positive (torchvision: 0.3)
     * @param ratioMax most (torchvision: 3.3)
     * @param value    the value written
     * @return the transform
     */
    public static Transform randomErasing(double p, double scaleMin, double scaleMax, double ratioMin, double ratioMax, float value) {
        return new Erasing(p, scaleMin, scaleMax, ratioMin, ratioMax, value);
    }

    /**
     * Normalises each channel: {@code (x - mean[c]) / std[c]}.
     *
     * @param mean one mean per channel, or one for all
     * @param std  one positive standard deviation per channel, or one for all
     * @return the transform
     */
    public static Transform normalize(float[] mean, float[] std) {
        float[] m = mean.clone();
        float[] s = std.clone();
        ImageOps.normalize(Image.filled(Math.max(m.length, s.length) == 1 ? 1 : Math.max(m.length, s.length), 1, 1, 0f), m, s);
        return new Pointwise("normalize", 1.0, im -> ImageOps.normalize(im, m, s));
    }

    // ---------------------------------------------------------------- the image-formation model

    /**
     * A cast shadow with probability {@code p}: an ellipse drawn from the call's seed (centre in
     * the image, radii 10 to 40% of the smaller side, any angle) blocks the fraction
     * {@code strength} of the light, with a penumbra {@code softness} pixels wide
     * ({@link dev.aiaas.vision.formation.PhysicalAugment#castShadow}). Values are taken as
     * linear intensities in [0, 1]; boxes and mask are kept.
     *
     * @param strength the fraction of light blocked, in [0, 1] (0.6 is a clear outdoor shadow)
     * @param softness the penumbra's width in pixels, finite and ≥ 0
     * @param p        probability in [0, 1]
     * @return the transform
     */
    public static Transform castShadow(double strength, double softness, double p) {
        if (!(strength >= 0 && strength <= 1)) {
            throw new IllegalArgumentException("shadow strength=" + strength + ": expected the fraction of light blocked, in [0, 1]");
        }
        if (!(softness >= 0) || !Double.isFinite(softness)) {
            throw new IllegalArgumentException("shadow softness=" + softness + ": expected a penumbra width in pixels, finite and >= 0");
        }
        return new Physical("shadow", p, (hwc, w, h, c, seed) -> PhysicalAugment.castShadow(hwc, w, h, c, strength, softness, seed));
    }

    /**
     * A specular highlight with probability {@code p}: a white Gaussian lobe whose centre and
     * spread (3 to 10% of the smaller side) are drawn from the call's seed, adding up to
     * {@code intensity} and saturating at 1 ({@link dev.aiaas.vision.formation.PhysicalAugment#addHighlight}).
     *
     * @param intensity the peak added, finite and ≥ 0 (0.5 is a strong gloss)
     * @param p         probability in [0, 1]
     * @return the transform
     */
    public static Transform highlight(double intensity, double p) {
        if (!(intensity >= 0) || !Double.isFinite(intensity)) {
            throw new IllegalArgumentException("highlight intensity=" + intensity + ": expected a finite value >= 0, for example 0.5");
        }
        return new Physical("highlight", p, (hwc, w, h, c, seed) -> PhysicalAugment.addHighlight(hwc, w, h, c, intensity, seed));
    }

    /**
     * A camera sensor's Poisson-Gaussian noise at an ISO setting, with probability {@code p}
     * ({@link dev.aiaas.vision.formation.SensorNoise#atIso}), clamped to [0, 1].
     *
     * @param iso the sensitivity, 50 to 409,600 (higher is noisier: 100 is a bright day, 6400 a dim room)
     * @param p   probability in [0, 1]
     * @return the transform
     */
    public static Transform sensorNoise(double iso, double p) {
        SensorNoise.atIso(iso); // refuses an ISO out of range, naming it
        return new Physical("noise", p, (hwc, w, h, c, seed) -> PhysicalAugment.sensorNoise(hwc, w, h, c, iso, seed));
    }

    // ---------------------------------------------------------------- policies

    /**
     * RandAugment (Cubuk et al., CVPR Workshops 2020) with torchvision 0.14's operations: {@code numOps}
     * operations drawn uniformly from identity, shears, translations, rotation, brightness, colour,
     * contrast, sharpness, posterize, solarize, autocontrast and equalize, each at magnitude bin
     * {@code magnitude} of 31 (signed ones negated with probability 1/2); nearest-neighbour warps.
     *
     * @param numOps    operations per image, 1 to 16 (torchvision: 2)
     * @param magnitude the magnitude bin, 0 to 30 (torchvision: 9)
     * @return the transform
     */
    public static Transform randAugment(int numOps, int magnitude) {
        return new AutoAugment(false, numOps, magnitude, 31, Interpolation.NEAREST, 0f);
    }

    /**
     * TrivialAugment Wide (Müller and Hutter, ICCV 2021) with torchvision 0.14's operations: one
     * operation drawn uniformly, at a magnitude bin drawn uniformly from 31; nearest-neighbour warps.
     *
     * @return the transform
     */
    public static Transform trivialAugment() {
        return new AutoAugment(true, 1, 0, 31, Interpolation.NEAREST, 0f);
    }

    // ---------------------------------------------------------------- implementations

    static void probability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + "=" + p + ": expected a probability in [0, 1]");
        }
    }

    static void range(String name, double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException(name + " [" + min + ", " + max + "]: expected finite bounds with min <= max");
        }
    }

    static double uniform(SplittableRandom r, double min, double max) {
        return min == max ? min : min + (max - min) * r.nextDouble();
    }

    /** A geometric step: warps image and mask, maps the boxes. */
    private interface Warper {
        Image apply(Image image, Interpolation interpolation, float fill);
    }

    private static Sample geometric(Sample s, Warper warp, Interpolation interpolation, float fill, Affine2 forward) {
        Image image = warp.apply(s.image(), interpolation, fill);
        Image mask = s.mask() == null ? null : warp.apply(s.mask(), Interpolation.NEAREST, 0f);
        return new Sample(image, forward.map(s.boxes(), image.width(), image.height()), mask);
    }

    private record Compose(List<Transform> steps) implements Transform {
        @Override
        public Sample apply(Sample sample, long seed) {
            Sample s = sample;
            for (int i = 0; i < steps.size(); i++) {
                s = steps.get(i).apply(s, Seeds.mix(seed, i));
            }
            return s;
        }
    }

    private record RandomApply(double p, Transform transform) implements Transform {
        RandomApply {
            probability("p", p);
        }

        @Override
        public Sample apply(Sample sample, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            return r.nextDouble() < p ? transform.apply(sample, r.nextLong()) : sample;
        }
    }

    private record RandomChoice(List<Transform> choices) implements Transform {
        @Override
        public Sample apply(Sample sample, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            return choices.get(r.nextInt(choices.size())).apply(sample, r.nextLong());
        }
    }

    private record Resize(int height, int width, int shorter, Interpolation interpolation) implements Transform {
        Resize {
            Objects.requireNonNull(interpolation, "interpolation");
            if (shorter == 0 && (height < 1 || width < 1)) {
                throw new IllegalArgumentException("resize " + height + "x" + width + ": expected at least 1x1 pixels");
            }
            if (shorter < 0 || (height == 0 && shorter < 1)) {
                throw new IllegalArgumentException("resize shorter side " + shorter + ": expected at least 1 pixel");
            }
        }

        @Override
        public Sample apply(Sample s, long seed) {
            int ih = s.image().height();
            int iw = s.image().width();
            int oh = height;
            int ow = width;
            if (shorter > 0) {
                if (ih <= iw) {
                    oh = shorter;
                    ow = (int) ((long) shorter * iw / ih);
                } else {
                    ow = shorter;
                    oh = (int) ((long) shorter * ih / iw);
                }
            }
            int h = oh;
            int w = ow;
            return geometric(s, (im, in, f) -> ImageOps.resize(im, h, w, in), interpolation, 0f,
                    Affine2.scaleTranslate((double) w / iw, (double) h / ih, 0, 0));
        }
    }

    private record Crop(int height, int width, boolean random) implements Transform {
        Crop {
            if (height < 1 || width < 1) {
                throw new IllegalArgumentException("crop " + height + "x" + width + ": expected at least 1x1 pixels");
            }
        }

        @Override
        public Sample apply(Sample s, long seed) {
            int ih = s.image().height();
            int iw = s.image().width();
            int top = ImageOps.centerOffset(ih, height);
            int left = ImageOps.centerOffset(iw, width);
            if (random) {
                SplittableRandom r = new SplittableRandom(seed);
                if (ih > height) {
                    top = r.nextInt(ih - height + 1);
                }
                if (iw > width) {
                    left = r.nextInt(iw - width + 1);
                }
            }
            int t = top;
            int l = left;
            return geometric(s, (im, in, f) -> ImageOps.crop(im, t, l, height, width), Interpolation.NEAREST, 0f,
                    Affine2.scaleTranslate(1, 1, -l, -t));
        }
    }

    private record RandomResizedCrop(int height, int width, double scaleMin, double scaleMax, double ratioMin, double ratioMax,
            Interpolation interpolation) implements Transform {
        RandomResizedCrop {
            if (height < 1 || width < 1) {
                throw new IllegalArgumentException("random resized crop " + height + "x" + width + ": expected at least 1x1 pixels");
            }
            range("scale", scaleMin, scaleMax);
            range("ratio", ratioMin, ratioMax);
            if (!(scaleMin > 0) || scaleMax > 1) {
                throw new IllegalArgumentException("scale [" + scaleMin + ", " + scaleMax + "]: expected area fractions in (0, 1] (torchvision: [0.08, 1])");
            }
            if (!(ratioMin > 0)) {
                throw new IllegalArgumentException("ratio [" + ratioMin + ", " + ratioMax + "]: expected positive aspect ratios (torchvision: [3/4, 4/3])");
            }
            Objects.requireNonNull(interpolation, "interpolation");
        }

        @Override
        public Sample apply(Sample s, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int ih = s.image().height();
            int iw = s.image().width();
            double area = (double) ih * iw;
            int top = -1;
            int left = 0;
            int h = 0;
            int w = 0;
            for (int attempt = 0; attempt < 10; attempt++) {
                double target = area * uniform(r, scaleMin, scaleMax);
                double aspect = Math.exp(uniform(r, Math.log(ratioMin), Math.log(ratioMax)));
                int cw = (int) Math.rint(Math.sqrt(target * aspect));
                int ch = (int) Math.rint(Math.sqrt(target / aspect));
                if (cw > 0 && cw <= iw && ch > 0 && ch <= ih) {
                    top = r.nextInt(ih - ch + 1);
                    left = r.nextInt(iw - cw + 1);
                    h = ch;
                    w = cw;
                    break;
                }
            }
            if (top < 0) {
                double inRatio = (double) iw / ih;
                if (inRatio < ratioMin) {
                    w = iw;
                    h = (int) Math.rint(w / ratioMin);
                } else if (inRatio > ratioMax) {
                    h = ih;
                    w = (int) Math.rint(h * ratioMax);
                } else {
                    w = iw;
                    h = ih;
                }
                top = (ih - h) / 2;
                left = (iw - w) / 2;
            }
            int t = top;
            int l = left;
            int ch = h;
            int cw = w;
            return geometric(s, (im, in, f) -> ImageOps.resize(ImageOps.crop(im, t, l, ch, cw), height, width, in), interpolation, 0f,
                    Affine2.scaleTranslate((double) width / cw, (double) height / ch, -l * (double) width / cw, -t * (double) height / ch));
        }
    }

    private record Pad(int left, int top, int right, int bottom, PadMode mode, float fill) implements Transform {
        Pad {
            Objects.requireNonNull(mode, "mode");
            if (left < 0 || top < 0 || right < 0 || bottom < 0) {
                throw new IllegalArgumentException("pad (" + left + ", " + top + ", " + right + ", " + bottom + "): expected each side at least 0");
            }
        }

        @Override
        public Sample apply(Sample s, long seed) {
            Image image = ImageOps.pad(s.image(), left, top, right, bottom, mode, fill);
            Image mask = s.mask() == null ? null : ImageOps.pad(s.mask(), left, top, right, bottom, mode, 0f);
            return new Sample(image, Affine2.scaleTranslate(1, 1, left, top).map(s.boxes(), image.width(), image.height()), mask);
        }
    }

    private record Flip(double p, boolean horizontal) implements Transform {
        Flip {
            probability("p", p);
        }

        @Override
        public Sample apply(Sample s, long seed) {
            if (!(new SplittableRandom(seed).nextDouble() < p)) {
                return s;
            }
            int w = s.image().width();
            int h = s.image().height();
            return geometric(s, (im, in, f) -> horizontal ? ImageOps.horizontalFlip(im) : ImageOps.verticalFlip(im), Interpolation.NEAREST, 0f,
                    horizontal ? Affine2.scaleTranslate(-1, 1, w, 0) : Affine2.scaleTranslate(1, -1, 0, h));
        }
    }

    private record Warp(double minDegrees, double maxDegrees, double translateX, double translateY, double scaleMin, double scaleMax,
            double shearMin, double shearMax, Interpolation interpolation, float fill, boolean rotation) implements Transform {
        Warp {
            range("degrees", minDegrees, maxDegrees);
            range("scale", scaleMin, scaleMax);
            range("shear", shearMin, shearMax);
            if (!(scaleMin > 0)) {
                throw new IllegalArgumentException("scale [" + scaleMin + ", " + scaleMax + "]: expected positive scales");
            }
            if (!(translateX >= 0 && translateX <= 1)) {
                throw new IllegalArgumentException("translate=" + translateX + ": expected a fraction of the size in [0, 1]");
            }
            if (shearMin < -80 || shearMax > 80) {
                throw new IllegalArgumentException("shear [" + shearMin + ", " + shearMax + "]: expected degrees within [-80, 80]");
            }
            if (interpolation != Interpolation.NEAREST && interpolation != Interpolation.BILINEAR) {
                throw new IllegalArgumentException("interpolation " + interpolation + ": rotations and affine warps take NEAREST or BILINEAR");
            }
        }

        @Override
        public Sample apply(Sample s, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int w = s.image().width();
            int h = s.image().height();
            double angle = uniform(r, minDegrees, maxDegrees);
            double[] m;
            if (rotation) {
                m = ImageOps.inverseAffine(0, 0, -angle, 0, 0, 1, 0, 0);
            } else {
                double maxDx = translateX * w;
                double maxDy = translateY * h;
                double tx = Math.rint(uniform(r, -maxDx, maxDx));
                double ty = Math.rint(uniform(r, -maxDy, maxDy));
                double scale = uniform(r, scaleMin, scaleMax);
                double shear = uniform(r, shearMin, shearMax);
                m = ImageOps.inverseAffine(0, 0, angle, tx, ty, scale, shear, 0);
            }
            return geometric(s, (im, in, f) -> ImageOps.warp(im, m, in, f), interpolation, fill, Affine2.fromCentredInverse(m, w, h));
        }
    }

    private record Perspective(double distortion, double p, Interpolation interpolation, float fill) implements Transform {
        Perspective {
            probability("p", p);
            if (!(distortion >= 0 && distortion <= 1)) {
                throw new IllegalArgumentException("distortion=" + distortion + ": expected a value in [0, 1] (torchvision: 0.5)");
            }
            if (interpolation != Interpolation.NEAREST && interpolation != Interpolation.BILINEAR) {
                throw new IllegalArgumentException("interpolation " + interpolation + ": perspective warps take NEAREST or BILINEAR");
            }
        }

        @Override
        public Sample apply(Sample s, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            if (!(r.nextDouble() < p)) {
                return s;
            }
            int w = s.image().width();
            int h = s.image().height();
            int dw = (int) (distortion * (w / 2));
            int dh = (int) (distortion * (h / 2));
            double[][] from = {{0, 0}, {w - 1, 0}, {w - 1, h - 1}, {0, h - 1}};
            double[][] to = {
                {r.nextInt(dw + 1), r.nextInt(dh + 1)},
                {w - 1 - r.nextInt(dw + 1), r.nextInt(dh + 1)},
                {w - 1 - r.nextInt(dw + 1), h - 1 - r.nextInt(dh + 1)},
                {r.nextInt(dw + 1), h - 1 - r.nextInt(dh + 1)}};
            Image image = ImageOps.perspective(s.image(), from, to, interpolation, fill);
            Image mask = s.mask() == null ? null : ImageOps.perspective(s.mask(), from, to, Interpolation.NEAREST, 0f);
            double[] f = ImageOps.perspectiveCoefficients(to, from);
            List<Box> boxes = Affine2.mapCorners(s.boxes(), (x, y, o) -> {
                double den = f[6] * x + f[7] * y + 1;
                o[0] = (f[0] * x + f[1] * y + f[2]) / den;
                o[1] = (f[3] * x + f[4] * y + f[5]) / den;
            }, w, h);
            return new Sample(image, boxes, mask);
        }
    }

    private record ColorJitter(double brightness, double contrast, double saturation, double hue) implements Transform {
        ColorJitter {
            for (double v : new double[] {brightness, contrast, saturation}) {
                if (!(v >= 0) || !Double.isFinite(v)) {
                    throw new IllegalArgumentException("colour jitter (" + brightness + ", " + contrast + ", " + saturation
                            + ", " + hue + "): brightness, contrast and saturation must be finite and >= 0");
                }
            }
            if (!(hue >= 0 && hue <= 0.5)) {
                throw new IllegalArgumentException("hue=" + hue + ": expected a value in [0, 0.5]");
            }
        }

        @Override
        public Sample apply(Sample s, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int[] order = {0, 1, 2, 3};
            for (int i = 3; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double b = uniform(r, Math.max(0, 1 - brightness), 1 + brightness);
            double c = uniform(r, Math.max(0, 1 - contrast), 1 + contrast);
            double sat = uniform(r, Math.max(0, 1 - saturation), 1 + saturation);
            double h = uniform(r, -hue, hue);
            Image im = s.image();
            for (int op : order) {
                switch (op) {
                    case 0 -> im = brightness > 0 ? ImageOps.adjustBrightness(im, b) : im;
                    case 1 -> im = contrast > 0 ? ImageOps.adjustContrast(im, c) : im;
                    case 2 -> im = saturation > 0 ? ImageOps.adjustSaturation(im, sat) : im;
                    default -> im = hue > 0 ? ImageOps.adjustHue(im, h) : im;
                }
            }
            return new Sample(im, s.boxes(), s.mask());
        }
    }

    private record Grayscale(int outputChannels, double p) implements Transform {
        Grayscale {
            probability("p", p);
            if (outputChannels != 0 && outputChannels != 1 && outputChannels != 3) {
                throw new IllegalArgumentException("outputChannels=" + outputChannels + ": expected 1 or 3");
            }
        }

        @Override
        public Sample apply(Sample s, long seed) {
            if (p < 1 && !(new SplittableRandom(seed).nextDouble() < p)) {
                return s;
            }
            int out = outputChannels != 0 ? outputChannels : s.image().channels() >= 3 ? 3 : 1;
            return new Sample(ImageOps.grayscale(s.image(), out), s.boxes(), s.mask());
        }
    }

    private record Blur(int kernelSize, double sigmaMin, double sigmaMax) implements Transform {
        Blur {
            if (kernelSize < 1 || kernelSize % 2 == 0) {
                throw new IllegalArgumentException("kernel size=" + kernelSize + ": expected an odd size, at least 1");
            }
            range("sigma", sigmaMin, sigmaMax);
            if (!(sigmaMin > 0)) {
                throw new IllegalArgumentException("sigma [" + sigmaMin + ", " + sigmaMax + "]: expected positive standard deviations (torchvision: [0.1, 2])");
            }
        }

        @Override
        public Sample apply(Sample s, long seed) {
            double sigma = uniform(new SplittableRandom(seed), sigmaMin, sigmaMax);
            return new Sample(ImageOps.gaussianBlur(s.image(), kernelSize, kernelSize, sigma, sigma), s.boxes(), s.mask());
        }
    }

    /** An image-only operation applied with probability {@code p}. */
    /** A {@link PhysicalAugment} operation on HWC floats, seeded per call. */
    private interface PhysicalOp {
        float[] apply(float[] hwc, int width, int height, int channels, long seed);
    }

    private record Physical(String name, double p, PhysicalOp op) implements Transform {
        Physical {
            probability(name + " p", p);
        }

        @Override
        public Sample apply(Sample s, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            if (!(r.nextDouble() < p)) {
                return s;
            }
            Image im = s.image();
            int c = im.channels();
            int h = im.height();
            int w = im.width();
            float[] chw = im.toChw();
            float[] hwc = new float[chw.length];
            int plane = h * w;
            for (int k = 0; k < c; k++) {
                for (int i = 0; i < plane; i++) {
                    hwc[i * c + k] = chw[k * plane + i];
                }
            }
            float[] out = op.apply(hwc, w, h, c, r.nextLong());
            for (int k = 0; k < c; k++) {
                for (int i = 0; i < plane; i++) {
                    chw[k * plane + i] = out[i * c + k];
                }
            }
            return new Sample(Image.of(c, h, w, chw), s.boxes(), s.mask());
        }

        @Override
        public String toString() {
            return name + "(p=" + p + ")";
        }
    }

    private record Pointwise(String name, double p, java.util.function.UnaryOperator<Image> op) implements Transform {
        Pointwise {
            probability(name + " p", p);
        }

        @Override
        public Sample apply(Sample s, long seed) {
            if (p < 1 && !(new SplittableRandom(seed).nextDouble() < p)) {
                return s;
            }
            return new Sample(op.apply(s.image()), s.boxes(), s.mask());
        }

        @Override
        public String toString() {
            return name + "(p=" + p + ")";
        }
    }

    private record Erasing(double p, double scaleMin, double scaleMax, double ratioMin, double ratioMax, float value) implements Transform {
        Erasing {
            probability("p", p);
            range("scale", scaleMin, scaleMax);
            range("ratio", ratioMin, ratioMax);
            if (!(scaleMin > 0) || scaleMax > 1 || !(ratioMin > 0)) {
                throw new IllegalArgumentException("erasing scale [" + scaleMin + ", " + scaleMax + "] and ratio [" + ratioMin + ", " + ratioMax
                        + "]: expected area fractions in (0, 1] and positive ratios (torchvision: [0.02, 0.33], [0.3, 3.3])");
            }
        }

        @Override
        public Sample apply(Sample s, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            if (!(r.nextDouble() < p)) {
                return s;
            }
            int ih = s.image().height();
            int iw = s.image().width();
            double area = (double) ih * iw;
            for (int attempt = 0; attempt < 10; attempt++) {
                double target = area * uniform(r, scaleMin, scaleMax);
                double aspect = Math.exp(uniform(r, Math.log(ratioMin), Math.log(ratioMax)));
                int h = (int) Math.rint(Math.sqrt(target * aspect));
                int w = (int) Math.rint(Math.sqrt(target / aspect));
                if (h < ih && w < iw && h > 0 && w > 0) {
                    int top = r.nextInt(ih - h + 1);
                    int left = r.nextInt(iw - w + 1);
                    return new Sample(ImageOps.erase(s.image(), top, left, h, w, value), s.boxes(), s.mask());
                }
            }
            return s;
        }
    }
}
