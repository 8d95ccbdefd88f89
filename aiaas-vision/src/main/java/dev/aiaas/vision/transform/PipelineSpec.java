package dev.aiaas.vision.transform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A pipeline written as text, for command lines: steps separated by commas, each a name and its
 * arguments separated by colons, for example
 * {@code random-resized-crop:224,hflip,jitter:0.4:0.4:0.4:0.1,rotate:15}. Spaces around steps are
 * ignored. The steps, their arguments and defaults are listed by {@link #help()}; each is the
 * {@link Transforms} factory of the same name.
 */
public final class PipelineSpec {

    /** The pipeline {@code aiaas vision augment} uses when given none. */
    public static final String DEFAULT = "random-resized-crop:224,hflip,jitter:0.4:0.4:0.4:0.1";

    private record Step(String usage, int minArgs, int maxArgs, String help, Builder builder) {
    }

    private interface Builder {
        Transform build(double[] a, String[] raw);
    }

    private static final Map<String, Step> STEPS = new LinkedHashMap<>();

    static {
        add("resize", "resize:SIZE | resize:H:W[:INTERP]", 1, 3,
                "resize the shorter side to SIZE, or to H x W; INTERP nearest|bilinear|bicubic|area|antialias (default bilinear)",
                (a, r) -> a.length == 1 ? Transforms.resizeShorter(pixels(a[0], r[0]), Interpolation.BILINEAR)
                        : Transforms.resize(pixels(a[0], r[0]), pixels(a[1], r[1]), a.length == 3 ? interpolation(r[2]) : Interpolation.BILINEAR));
        add("center-crop", "center-crop:H[:W]", 1, 2, "crop the centre, H x W (W = H when omitted)",
                (a, r) -> Transforms.centerCrop(pixels(a[0], r[0]), pixels(a[a.length - 1], r[a.length - 1])));
        add("random-crop", "random-crop:H[:W]", 1, 2, "crop H x W at a random place",
                (a, r) -> Transforms.randomCrop(pixels(a[0], r[0]), pixels(a[a.length - 1], r[a.length - 1])));
        add("random-resized-crop", "random-resized-crop:SIZE[:SCALEMIN:SCALEMAX]", 1, 3,
                "crop a random part (area fraction in [SCALEMIN, SCALEMAX], default 0.08..1; aspect 3/4..4/3) resized to SIZE x SIZE",
                (a, r) -> a.length == 3
                        ? Transforms.randomResizedCrop(pixels(a[0], r[0]), pixels(a[0], r[0]), a[1], a[2], 3.0 / 4, 4.0 / 3, Interpolation.BILINEAR)
                        : Transforms.randomResizedCrop(pixels(a[0], r[0]), pixels(a[0], r[0])));
        add("pad", "pad:N[:MODE]", 1, 2, "pad N pixels on each side; MODE constant|edge|reflect|symmetric (default constant, black)",
                (a, r) -> Transforms.pad(whole(a[0], r[0]), whole(a[0], r[0]), whole(a[0], r[0]), whole(a[0], r[0]),
                        a.length == 2 ? padMode(r[1]) : PadMode.CONSTANT, 0f));
        add("hflip", "hflip[:P]", 0, 1, "mirror left-right with probability P (default 0.5)",
                (a, r) -> Transforms.horizontalFlip(a.length == 1 ? a[0] : 0.5));
        add("vflip", "vflip[:P]", 0, 1, "mirror top-bottom with probability P (default 0.5)",
                (a, r) -> Transforms.verticalFlip(a.length == 1 ? a[0] : 0.5));
        add("rotate", "rotate:DEG | rotate:MIN:MAX", 1, 2, "rotate by an angle from [-DEG, DEG] (or [MIN, MAX]) degrees, counter-clockwise",
                (a, r) -> Transforms.rotation(a.length == 1 ? -a[0] : a[0], a.length == 1 ? a[0] : a[1], Interpolation.BILINEAR, 0f));
        add("affine", "affine:DEG:TRANSLATE:SCALEMIN:SCALEMAX[:SHEAR]", 4, 5,
                "angle from [-DEG, DEG], shift up to TRANSLATE x size, scale from [SCALEMIN, SCALEMAX], shear from [-SHEAR, SHEAR] degrees",
                (a, r) -> Transforms.affine(-a[0], a[0], a[1], a[2], a[3], a.length == 5 ? a[4] : 0, Interpolation.BILINEAR, 0f));
        add("perspective", "perspective[:DISTORTION[:P]]", 0, 2,
                "move the corners inwards by up to DISTORTION (default 0.5) of half the size, with probability P (default 0.5)",
                (a, r) -> Transforms.perspective(a.length >= 1 ? a[0] : 0.5, a.length == 2 ? a[1] : 0.5, Interpolation.BILINEAR, 0f));
        add("jitter", "jitter:B:C:S:H", 4, 4, "colour jitter: brightness, contrast, saturation from [1-v, 1+v], hue from [-H, H] (H <= 0.5)",
                (a, r) -> Transforms.colorJitter(a[0], a[1], a[2], a[3]));
        add("grayscale", "grayscale[:P]", 0, 1, "grey levels with probability P (default 1)",
                (a, r) -> Transforms.randomGrayscale(a.length == 1 ? a[0] : 1.0));
        add("blur", "blur:K[:SIGMAMIN:SIGMAMAX]", 1, 3, "Gaussian blur, odd kernel K, sigma from [SIGMAMIN, SIGMAMAX] (default 0.1..2)",
                (a, r) -> Transforms.gaussianBlur(whole(a[0], r[0]), a.length == 3 ? a[1] : 0.1, a.length == 3 ? a[2] : 2.0));
        add("sharpness", "sharpness:F[:P]", 1, 2, "sharpness factor F (1 = unchanged) with probability P (default 0.5)",
                (a, r) -> Transforms.sharpness(a[0], a.length == 2 ? a[1] : 0.5));
        add("posterize", "posterize:BITS[:P]", 1, 2, "keep BITS (1..8) bits per sample with probability P (default 0.5)",
                (a, r) -> Transforms.posterize(whole(a[0], r[0]), a.length == 2 ? a[1] : 0.5));
        add("solarize", "solarize:T[:P]", 1, 2, "invert samples >= T (0..1) with probability P (default 0.5)",
                (a, r) -> Transforms.solarize(a[0], a.length == 2 ? a[1] : 0.5));
        add("autocontrast", "autocontrast[:P]", 0, 1, "stretch each channel to [0, 1] with probability P (default 0.5)",
                (a, r) -> Transforms.autocontrast(a.length == 1 ? a[0] : 0.5));
        add("equalize", "equalize[:P]", 0, 1, "equalize the histogram with probability P (default 0.5)",
                (a, r) -> Transforms.equalize(a.length == 1 ? a[0] : 0.5));
        add("invert", "invert[:P]", 0, 1, "invert with probability P (default 0.5)",
                (a, r) -> Transforms.invert(a.length == 1 ? a[0] : 0.5));
        add("erase", "erase[:P]", 0, 1, "random erasing (area 0.02..0.33, aspect 0.3..3.3, black) with probability P (default 0.5)",
                (a, r) -> Transforms.randomErasing(a.length == 1 ? a[0] : 0.5, 0.02, 0.33, 0.3, 3.3, 0f));
        add("randaugment", "randaugment[:N:M]", 0, 2, "RandAugment: N operations (default 2) at magnitude bin M of 31 (default 9)",
                (a, r) -> Transforms.randAugment(a.length == 2 ? whole(a[0], r[0]) : 2, a.length == 2 ? whole(a[1], r[1]) : 9));
        add("trivialaugment", "trivialaugment", 0, 0, "TrivialAugment Wide: one operation at a random magnitude",
                (a, r) -> Transforms.trivialAugment());
        add("shadow", "shadow[:STRENGTH[:SOFTNESS[:P]]]", 0, 3,
                "a cast shadow of a random ellipse blocking STRENGTH of the light (default 0.6), penumbra SOFTNESS pixels "
                        + "(default 4), with probability P (default 0.5)",
                (a, r) -> Transforms.castShadow(a.length >= 1 ? a[0] : 0.6, a.length >= 2 ? a[1] : 4, a.length == 3 ? a[2] : 0.5));
        add("highlight", "highlight[:INTENSITY[:P]]", 0, 2,
                "a specular highlight (a white Gaussian lobe) adding up to INTENSITY (default 0.5), with probability P (default 0.5)",
                (a, r) -> Transforms.highlight(a.length >= 1 ? a[0] : 0.5, a.length == 2 ? a[1] : 0.5));
        add("noise", "noise[:ISO[:P]]", 0, 2,
                "a camera sensor's Poisson-Gaussian noise at ISO (50..409600, default 1600), with probability P (default 0.5)",
                (a, r) -> Transforms.sensorNoise(a.length >= 1 ? a[0] : 1600, a.length == 2 ? a[1] : 0.5));
        add("normalize", "normalize[:MEAN:STD]", 0, 2, "(x - MEAN) / STD on every channel; default ImageNet's per-channel mean and std",
                (a, r) -> a.length == 2 ? Transforms.normalize(new float[] {(float) a[0]}, new float[] {(float) a[1]})
                        : Transforms.normalize(Transforms.IMAGENET_MEAN, Transforms.IMAGENET_STD));
    }

    private PipelineSpec() {
    }

    private static void add(String name, String usage, int min, int max, String help, Builder b) {
        STEPS.put(name, new Step(usage, min, max, help, b));
    }

    /**
     * Parses a pipeline.
     *
     * @param spec steps separated by commas, each {@code name[:arg]*}
     * @return the composed transform
     * @throws PipelineSpecException naming the bad step and what it expects
     */
    public static Transform parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.isBlank()) {
            throw new PipelineSpecException(spec, "the pipeline is empty: expected steps such as '" + DEFAULT + "'");
        }
        List<Transform> steps = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            String p = part.strip();
            if (p.isEmpty()) {
                throw new PipelineSpecException("", "an empty step (two commas in a row, or a comma at an end) in '" + spec + "'");
            }
            String[] bits = p.split(":", -1);
            String name = bits[0].toLowerCase(Locale.ROOT);
            Step step = STEPS.get(name);
            if (step == null) {
                throw new PipelineSpecException(p, "unknown step '" + bits[0] + "'; known steps: " + String.join(", ", STEPS.keySet()));
            }
            int n = bits.length - 1;
            if (n < step.minArgs() || n > step.maxArgs()) {
                throw new PipelineSpecException(p, "'" + name + "' takes " + (step.minArgs() == step.maxArgs() ? step.minArgs()
                        : step.minArgs() + " to " + step.maxArgs()) + " arguments, got " + n + "; usage: " + step.usage());
            }
            String[] raw = new String[n];
            double[] args = new double[n];
            for (int i = 0; i < n; i++) {
                raw[i] = bits[i + 1].strip();
                if (name.equals("resize") && i == 2 || name.equals("pad") && i == 1) {
                    continue;
                }
                try {
                    args[i] = Double.parseDouble(raw[i]);
                } catch (NumberFormatException e) {
                    throw new PipelineSpecException(p, "argument " + (i + 1) + " '" + raw[i] + "' is not a number; usage: " + step.usage());
                }
                if (!Double.isFinite(args[i])) {
                    throw new PipelineSpecException(p, "argument " + (i + 1) + " '" + raw[i] + "' is not finite; usage: " + step.usage());
                }
            }
            try {
                steps.add(step.builder().build(args, raw));
            } catch (IllegalArgumentException e) {
                throw new PipelineSpecException(p, e.getMessage() + "; usage: " + step.usage());
            }
        }
        return Transforms.compose(steps);
    }

    /** @return the step names, in the order {@link #help()} lists them */
    public static List<String> names() {
        return List.copyOf(STEPS.keySet());
    }

    /** @return one line per step: its usage, then what it does */
    public static List<String> help() {
        List<String> out = new ArrayList<>();
        for (Step s : STEPS.values()) {
            out.add(s.usage() + "  -  " + s.help());
        }
        return out;
    }

    private static int pixels(double v, String raw) {
        int i = whole(v, raw);
        if (i < 1 || i > 1 << 16) {
            throw new IllegalArgumentException("size " + raw + ": expected pixels from 1 to " + (1 << 16));
        }
        return i;
    }

    private static int whole(double v, String raw) {
        if (v != Math.rint(v) || Math.abs(v) > 1 << 16) {
            throw new IllegalArgumentException("'" + raw + "': expected a whole number of at most " + (1 << 16));
        }
        return (int) v;
    }

    private static Interpolation interpolation(String raw) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "nearest" -> Interpolation.NEAREST;
            case "bilinear" -> Interpolation.BILINEAR;
            case "bicubic" -> Interpolation.BICUBIC;
            case "area" -> Interpolation.AREA;
            case "antialias" -> Interpolation.BILINEAR_ANTIALIAS;
            default -> throw new IllegalArgumentException("interpolation '" + raw + "': expected nearest, bilinear, bicubic, area or antialias");
        };
    }

    private static PadMode padMode(String raw) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "constant" -> PadMode.CONSTANT;
            case "edge" -> PadMode.EDGE;
            case "reflect" -> PadMode.REFLECT;
            case "symmetric" -> PadMode.SYMMETRIC;
            default -> throw new IllegalArgumentException("pad mode '" + raw + "': expected constant, edge, reflect or symmetric");
        };
    }
}
