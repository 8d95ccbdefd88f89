package dev.aiaas.vision.transform;

import dev.aiaas.vision.image.HwcBytes;
import dev.aiaas.vision.image.Image;
import dev.aiaas.vision.image.ImageBuffer;
import java.util.Objects;

/**
 * The image operations behind the transforms, with explicit parameters and no randomness (as
 * torchvision's {@code transforms.functional}); each agrees with torchvision 0.14 on float tensors
 * in [0, 1] within the tolerances {@code TorchvisionAgreementTest} states.
 *
 * <p>Colour operations act on the first three channels of an RGB(A) image and keep alpha; on grey
 * images, saturation and hue are the identity (as in torchvision). Geometric operations act on
 * every channel.
 */
public final class ImageOps {

    /** torchvision's luma weights (ITU-R 601-2): {@code L = 0.2989 R + 0.587 G + 0.114 B}. */
    private static final float LUMA_R = 0.2989f;
    private static final float LUMA_G = 0.587f;
    private static final float LUMA_B = 0.114f;

    private ImageOps() {
    }

    // ---------------------------------------------------------------- resize

    /**
     * Resizes to {@code height x width}.
     *
     * @param image         the input
     * @param height        output rows, at least 1
     * @param width         output columns, at least 1
     * @param interpolation how output samples are computed
     * @return the resized image
     */
    public static Image resize(Image image, int height, int width, Interpolation interpolation) {
        Objects.requireNonNull(interpolation, "interpolation");
        positive("height", height);
        positive("width", width);
        int c = image.channels();
        int ih = image.height();
        int iw = image.width();
        float[] src = image.toChw();
        Taps tx = Taps.of(iw, width, interpolation);
        Taps ty = Taps.of(ih, height, interpolation);
        // horizontal pass: c x ih x width, each output the weighted sum of its taps
        float[] mid = new float[c * ih * width];
        Span sx = Span.of(tx);
        for (int row = 0; row < c * ih; row++) {
            int sBase = row * iw;
            int dBase = row * width;
            if (sx != null) {
                sx.apply(src, sBase, mid, dBase);
                continue;
            }
            for (int x = 0; x < width; x++) {
                mid[dBase + x] = tx.apply(src, sBase, x);
            }
        }
        return verticalPass(mid, c, ih, height, width, ty);
    }

    /** The second pass of {@link #resize}: {@code mid} is {@code c x ih x width}. */
    private static Image verticalPass(float[] mid, int c, int ih, int height, int width, Taps ty) {
        // vertical pass, a row at a time: output row y accumulates its taps' rows (in tap order, as
        // the horizontal pass sums, so the result is that of the per-sample sum)
        ImageBuffer out = new ImageBuffer(c, height, width);
        float[] dst = out.data();
        for (int ch = 0; ch < c; ch++) {
            int sBase = ch * ih * width;
            for (int y = 0; y < height; y++) {
                int dBase = (ch * height + y) * width;
                int k0 = y * ty.n();
                for (int k = 0; k < ty.n(); k++) {
                    float wk = ty.weight()[k0 + k];
                    if (wk == 0f) {
                        continue;
                    }
                    int r = sBase + ty.index()[k0 + k] * width;
                    for (int x = 0; x < width; x++) {
                        dst[dBase + x] += wk * mid[r + x];
                    }
                }
            }
        }
        return out.toImage();
    }

    /**
     * The taps of a 1-D resampling whose non-zero weights lie on consecutive input indices, as runs
     * (first input index, first weight, length), without the zero weights at either end: the same
     * sums as {@link Taps#apply} (which skips zero weights) in the same order, so the same floats,
     * without an index array or a branch per tap. Null where the taps are not of that form (clamped
     * bilinear and bicubic taps repeat an index; a zero weight inside a run).
     */
    private record Span(int[] start, int[] offset, int[] length, float[] weight) {

        static Span of(Taps t) {
            int out = t.index().length / t.n();
            int[] start = new int[out];
            int[] offset = new int[out];
            int[] length = new int[out];
            for (int i = 0; i < out; i++) {
                int k0 = i * t.n();
                int first = -1;
                int last = -1;
                for (int k = 0; k < t.n(); k++) {
                    if (t.weight()[k0 + k] != 0f) {
                        if (first < 0) {
                            first = k;
                        }
                        last = k;
                    }
                }
                if (first < 0) {
                    start[i] = 0;
                    offset[i] = k0;
                    length[i] = 0;
                    continue;
                }
                for (int k = first; k <= last; k++) {
                    if (t.weight()[k0 + k] == 0f || t.index()[k0 + k] != t.index()[k0 + first] + (k - first)) {
                        return null;
                    }
                }
                start[i] = t.index()[k0 + first];
                offset[i] = k0 + first;
                length[i] = last - first + 1;
            }
            return new Span(start, offset, length, t.weight());
        }

        /** {@code dst[dBase + i] = sum over the run of i of weight * src[sBase + index]}, for every output i. */
        void apply(float[] src, int sBase, float[] dst, int dBase) {
            for (int i = 0; i < start.length; i++) {
                int a = sBase + start[i];
                int w = offset[i];
                float s = 0f;
                for (int k = 0, m = length[i]; k < m; k++) {
                    s += weight[w + k] * src[a + k];
                }
                dst[dBase + i] = s;
            }
        }
    }

    /** {@code v / 255f} for every byte value: the samples the decoders give. */
    private static final float[] BYTE_LEVELS = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            BYTE_LEVELS[v] = v / 255f;
        }
    }

    /**
     * Resizes decoded 8-bit pixels: the same floats as {@code resize(pixels.toImage(), height,
     * width, interpolation)}, bit for bit, but for downscaling with {@link Interpolation#BILINEAR_ANTIALIAS}
     * (and the other modes whose taps are runs of consecutive pixels) the first pass reads the
     * bytes directly, without the full-size float image: the fast path of decode + resize
     * ({@code ImageFiles.readHwc}, then this).
     *
     * @param pixels        the decoded pixels
     * @param height        output rows, at least 1
     * @param width         output columns, at least 1
     * @param interpolation how output samples are computed
     * @return the resized image, samples as from the float path
     */
    public static Image resize(HwcBytes pixels, int height, int width, Interpolation interpolation) {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(interpolation, "interpolation");
        positive("height", height);
        positive("width", width);
        int c = pixels.channels();
        int ih = pixels.height();
        int iw = pixels.width();
        Taps tx = Taps.of(iw, width, interpolation);
        Span sx = Span.of(tx);
        if (sx == null) {
            return resize(pixels.toImage(), height, width, interpolation);
        }
        byte[] src = pixels.data();
        float[] mid = new float[c * ih * width];
        int plane = ih * width;
        for (int row = 0; row < ih; row++) {
            int rowBase = row * iw * c;
            if (c == 3) {
                // RGB, the common case: the three channels of a tap read together (each channel's sum
                // in the same order as below, so the same floats)
                int dBase = row * width;
                for (int i = 0; i < width; i++) {
                    int a = rowBase + sx.start()[i] * 3;
                    int w = sx.offset()[i];
                    float r = 0f;
                    float g = 0f;
                    float b = 0f;
                    for (int k = 0, m = sx.length()[i]; k < m; k++, a += 3) {
                        float wk = sx.weight()[w + k];
                        r += wk * BYTE_LEVELS[src[a] & 0xff];
                        g += wk * BYTE_LEVELS[src[a + 1] & 0xff];
                        b += wk * BYTE_LEVELS[src[a + 2] & 0xff];
                    }
                    mid[dBase + i] = r;
                    mid[plane + dBase + i] = g;
                    mid[2 * plane + dBase + i] = b;
                }
                continue;
            }
            for (int ch = 0; ch < c; ch++) {
                int dBase = (ch * ih + row) * width;
                int sBase = rowBase + ch;
                for (int i = 0; i < width; i++) {
                    int a = sBase + sx.start()[i] * c;
                    int w = sx.offset()[i];
                    float s = 0f;
                    for (int k = 0, m = sx.length()[i]; k < m; k++) {
                        s += sx.weight()[w + k] * BYTE_LEVELS[src[a + k * c] & 0xff];
                    }
                    mid[dBase + i] = s;
                }
            }
        }
        return verticalPass(mid, c, ih, height, width, Taps.of(ih, height, interpolation));
    }

    /** Per-output-index taps of a 1-D resampling: indices into the input and weights. */
    private record Taps(int n, int[] index, float[] weight) {

        float apply(float[] a, int base, int i) {
            float s = 0f;
            int k0 = i * n;
            for (int k = 0; k < n; k++) {
                float w = weight[k0 + k];
                if (w != 0f) {
                    s += w * a[base + index[k0 + k]];
                }
            }
            return s;
        }

        static Taps of(int in, int out, Interpolation mode) {
            float scale = (float) in / out;
            switch (mode) {
                case NEAREST: {
                    int[] idx = new int[out];
                    float[] w = new float[out];
                    for (int i = 0; i < out; i++) {
                        idx[i] = in == out ? i : out == 2 * in ? i >> 1 : Math.min((int) Math.floor(i * scale), in - 1);
                        w[i] = 1f;
                    }
                    return new Taps(1, idx, w);
                }
                case BILINEAR: {
                    int[] idx = new int[2 * out];
                    float[] w = new float[2 * out];
                    for (int i = 0; i < out; i++) {
                        float real = Math.max(scale * (i + 0.5f) - 0.5f, 0f);
                        int i0 = (int) real;
                        int step = i0 < in - 1 ? 1 : 0;
                        float l1 = real - i0;
                        idx[2 * i] = i0;
                        idx[2 * i + 1] = i0 + step;
                        w[2 * i] = 1f - l1;
                        w[2 * i + 1] = l1;
                    }
                    return new Taps(2, idx, w);
                }
                case BICUBIC: {
                    int[] idx = new int[4 * out];
                    float[] w = new float[4 * out];
                    for (int i = 0; i < out; i++) {
                        float real = scale * (i + 0.5f) - 0.5f;
                        int i0 = (int) Math.floor(real);
                        float t = real - i0;
                        float[] cw = cubicWeights(t);
                        for (int k = 0; k < 4; k++) {
                            idx[4 * i + k] = Math.min(Math.max(i0 - 1 + k, 0), in - 1);
                            w[4 * i + k] = cw[k];
                        }
                    }
                    return new Taps(4, idx, w);
                }
                case AREA: {
                    int n = 0;
                    for (int i = 0; i < out; i++) {
                        n = Math.max(n, areaEnd(i, in, out) - areaStart(i, in, out));
                    }
                    int[] idx = new int[n * out];
                    float[] w = new float[n * out];
                    for (int i = 0; i < out; i++) {
                        int s = areaStart(i, in, out);
                        int e = areaEnd(i, in, out);
                        for (int k = 0; k < e - s; k++) {
                            idx[n * i + k] = s + k;
                            w[n * i + k] = 1f / (e - s);
                        }
                    }
                    return new Taps(n, idx, w);
                }
                case BILINEAR_ANTIALIAS: {
                    double sc = (double) in / out;
                    double support = sc >= 1.0 ? sc : 1.0;
                    double invscale = sc >= 1.0 ? 1.0 / sc : 1.0;
                    int n = (int) Math.ceil(support) * 2 + 1;
                    int[] idx = new int[n * out];
                    float[] w = new float[n * out];
                    for (int i = 0; i < out; i++) {
                        double center = sc * (i + 0.5);
                        int xmin = Math.max((int) (center - support + 0.5), 0);
                        int xsize = Math.min((int) (center + support + 0.5), in) - xmin;
                        double total = 0;
                        double[] ws = new double[xsize];
                        for (int j = 0; j < xsize; j++) {
                            double x = Math.abs((j + xmin - center + 0.5) * invscale);
                            ws[j] = x < 1.0 ? 1.0 - x : 0.0;
                            total += ws[j];
                        }
                        for (int j = 0; j < Math.min(xsize, n); j++) {
                            idx[n * i + j] = xmin + j;
                            w[n * i + j] = total != 0 ? (float) (ws[j] / total) : 0f;
                        }
                    }
                    return new Taps(n, idx, w);
                }
                default:
                    throw new IllegalArgumentException("interpolation " + mode);
            }
        }

        private static int areaStart(int i, int in, int out) {
            return (int) Math.floor((double) i * in / out);
        }

        private static int areaEnd(int i, int in, int out) {
            return (int) Math.ceil((double) (i + 1) * in / out);
        }
    }

    /** Keys' cubic convolution weights at offset {@code t} in [0, 1), {@code a = -0.75} (PyTorch's). */
    private static float[] cubicWeights(float t) {
        float a = -0.75f;
        float x1 = t;
        float x2 = 1f - t;
        return new float[] {
            cubic2(x1 + 1f, a), cubic1(x1, a), cubic1(x2, a), cubic2(x2 + 1f, a)};
    }

    private static float cubic1(float x, float a) {
        return ((a + 2f) * x - (a + 3f)) * x * x + 1f;
    }

    private static float cubic2(float x, float a) {
        return ((a * x - 5f * a) * x + 8f * a) * x - 4f * a;
    }

    // ---------------------------------------------------------------- crops, flips, pad

    /**
     * Crops the rectangle of rows {@code top .. top + height - 1} and columns
     * {@code left .. left + width - 1}; parts outside the image are zeros (torchvision's {@code crop}).
     *
     * @param image  the input
     * @param top    first row (may be negative)
     * @param left   first column (may be negative)
     * @param height rows, at least 1
     * @param width  columns, at least 1
     * @return the crop
     */
    public static Image crop(Image image, int top, int left, int height, int width) {
        positive("height", height);
        positive("width", width);
        int c = image.channels();
        int ih = image.height();
        int iw = image.width();
        float[] src = image.toChw();
        ImageBuffer out = new ImageBuffer(c, height, width);
        float[] dst = out.data();
        int x0 = Math.max(0, -left);
        int x1 = Math.min(width, iw - left);
        if (x1 <= x0) {
            return out.toImage();
        }
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < height; y++) {
                int sy = top + y;
                if (sy < 0 || sy >= ih) {
                    continue;
                }
                System.arraycopy(src, (ch * ih + sy) * iw + left + x0, dst, (ch * height + y) * width + x0, x1 - x0);
            }
        }
        return out.toImage();
    }

    /**
     * The top and left of torchvision's {@code center_crop}: {@code round((in - out) / 2)} (ties
     * to even, as Python's {@code round}) when the crop fits, else {@code -floor((out - in) / 2)}.
     *
     * @param in  the input's size along the axis
     * @param out the crop's size
     * @return the crop's first index (negative when the crop pads)
     */
    public static int centerOffset(int in, int out) {
        return out > in ? -((out - in) / 2) : (int) Math.rint((in - out) / 2.0);
    }

    /**
     * Crops the centre (padding with zeros where the crop is larger), as torchvision's {@code center_crop}.
     *
     * @param image  the input
     * @param height rows of the crop
     * @param width  columns of the crop
     * @return the crop
     */
    public static Image centerCrop(Image image, int height, int width) {
        return crop(image, centerOffset(image.height(), height), centerOffset(image.width(), width), height, width);
    }

    /**
     * Mirrors left to right.
     *
     * @param image the input
     * @return the mirrored image
     */
    public static Image horizontalFlip(Image image) {
        int c = image.channels();
        int h = image.height();
        int w = image.width();
        float[] src = image.toChw();
        ImageBuffer out = new ImageBuffer(c, h, w);
        float[] dst = out.data();
        for (int row = 0; row < c * h; row++) {
            int b = row * w;
            for (int x = 0; x < w; x++) {
                dst[b + x] = src[b + w - 1 - x];
            }
        }
        return out.toImage();
    }

    /**
     * Mirrors top to bottom.
     *
     * @param image the input
     * @return the mirrored image
     */
    public static Image verticalFlip(Image image) {
        int c = image.channels();
        int h = image.height();
        int w = image.width();
        float[] src = image.toChw();
        ImageBuffer out = new ImageBuffer(c, h, w);
        float[] dst = out.data();
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, (ch * h + h - 1 - y) * w, dst, (ch * h + y) * w, w);
            }
        }
        return out.toImage();
    }

    /**
     * Pads each side.
     *
     * @param image  the input
     * @param left   columns added on the left, at least 0
     * @param top    rows added on top, at least 0
     * @param right  columns added on the right, at least 0
     * @param bottom rows added at the bottom, at least 0
     * @param mode   what the border holds
     * @param fill   the border's value for {@link PadMode#CONSTANT}
     * @return the padded image
     */
    public static Image pad(Image image, int left, int top, int right, int bottom, PadMode mode, float fill) {
        Objects.requireNonNull(mode, "mode");
        if (left < 0 || top < 0 || right < 0 || bottom < 0) {
            throw new IllegalArgumentException("padding (left " + left + ", top " + top + ", right " + right + ", bottom "
                    + bottom + "): expected each at least 0; crop to remove pixels");
        }
        int c = image.channels();
        int ih = image.height();
        int iw = image.width();
        int h = Math.addExact(Math.addExact(ih, top), bottom);
        int w = Math.addExact(Math.addExact(iw, left), right);
        float[] src = image.toChw();
        ImageBuffer out = new ImageBuffer(c, h, w);
        float[] dst = out.data();
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int sy = padIndex(y - top, ih, mode);
                for (int x = 0; x < w; x++) {
                    int sx = padIndex(x - left, iw, mode);
                    dst[(ch * h + y) * w + x] = sy < 0 || sx < 0 ? fill : src[(ch * ih + sy) * iw + sx];
                }
            }
        }
        return out.toImage();
    }

    /** The source index of padded index {@code i} along an axis of {@code n}, or -1 for the fill. */
    static int padIndex(int i, int n, PadMode mode) {
        if (i >= 0 && i < n) {
            return i;
        }
        switch (mode) {
            case CONSTANT:
                return -1;
            case EDGE:
                return i < 0 ? 0 : n - 1;
            case REFLECT: {
                if (n == 1) {
                    return 0;
                }
                int period = 2 * (n - 1);
                int m = Math.floorMod(i, period);
                return m < n ? m : period - m;
            }
            case SYMMETRIC: {
                int period = 2 * n;
                int m = Math.floorMod(i, period);
                return m < n ? m : period - 1 - m;
            }
            default:
                throw new IllegalArgumentException("mode " + mode);
        }
    }

    // ---------------------------------------------------------------- warps

    /**
     * torchvision's inverse affine matrix ({@code _get_inverse_affine_matrix}): maps output
     * coordinates centred on the image (pixel centres at {@code j + 0.5 - width / 2}) to input ones,
     * {@code (xs, ys) = (m0 x + m1 y + m2, m3 x + m4 y + m5)}; the forward map is
     * {@code T C R S Sh C^-1} (rotation counter-clockwise in degrees as torchvision's {@code affine}).
     *
     * @param cx     centre x (relative to the image centre)
     * @param cy     centre y
     * @param angle  rotation in degrees
     * @param tx     translation x in pixels
     * @param ty     translation y in pixels
     * @param scale  scale, positive
     * @param shearX shear angle along x, degrees
     * @param shearY shear angle along y, degrees
     * @return {@code m0 .. m5}
     */
    static double[] inverseAffine(double cx, double cy, double angle, double tx, double ty, double scale, double shearX, double shearY) {
        double rot = Math.toRadians(angle);
        double sx = Math.toRadians(shearX);
        double sy = Math.toRadians(shearY);
        double a = Math.cos(rot - sy) / Math.cos(sy);
        double b = -Math.cos(rot - sy) * Math.tan(sx) / Math.cos(sy) - Math.sin(rot);
        double c = Math.sin(rot - sy) / Math.cos(sy);
        double d = -Math.sin(rot - sy) * Math.tan(sx) / Math.cos(sy) + Math.cos(rot);
        double[] m = {d / scale, -b / scale, 0, -c / scale, a / scale, 0};
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
        m[2] += cx;
        m[5] += cy;
        return m;
    }

    /**
     * Rotates about the image centre, counter-clockwise, keeping the size; outside the input is
     * {@code fill} (torchvision's {@code rotate} with {@code expand=False}; {@code fill = 0} is its
     * {@code fill=None}).
     *
     * @param image         the input
     * @param angle         degrees, counter-clockwise
     * @param interpolation {@link Interpolation#NEAREST} or {@link Interpolation#BILINEAR}
     * @param fill          the value outside the input
     * @return the rotated image
     */
    public static Image rotate(Image image, double angle, Interpolation interpolation, float fill) {
        return warp(image, inverseAffine(0, 0, -angle, 0, 0, 1, 0, 0), interpolation, fill);
    }

    /**
     * An affine transform about the image centre: rotation, translation, scale and shear
     * (torchvision's {@code affine}), keeping the size.
     *
     * @param image         the input
     * @param angle         rotation in degrees (clockwise, as torchvision's {@code affine})
     * @param tx            translation right, pixels
     * @param ty            translation down, pixels
     * @param scale         scale, positive
     * @param shearX        shear along x, degrees
     * @param shearY        shear along y, degrees
     * @param interpolation {@link Interpolation#NEAREST} or {@link Interpolation#BILINEAR}
     * @param fill          the value outside the input
     * @return the transformed image
     */
    public static Image affine(Image image, double angle, double tx, double ty, double scale, double shearX, double shearY,
            Interpolation interpolation, float fill) {
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale=" + scale + ": expected a positive finite number");
        }
        return warp(image, inverseAffine(0, 0, angle, tx, ty, scale, shearX, shearY), interpolation, fill);
    }

    /**
     * Resamples with an inverse affine map in centred coordinates (PyTorch's {@code grid_sample},
     * {@code align_corners=False}, zero padding), then blends {@code fill} in where the input did
     * not reach.
     */
    static Image warp(Image image, double[] m, Interpolation interpolation, float fill) {
        int w = image.width();
        int h = image.height();
        return sample(image, h, w, (j, i, out) -> {
            double x = j - w * 0.5 + 0.5;
            double y = i - h * 0.5 + 0.5;
            out[0] = m[0] * x + m[1] * y + m[2] + w * 0.5 - 0.5;
            out[1] = m[3] * x + m[4] * y + m[5] + h * 0.5 - 0.5;
        }, interpolation, fill);
    }

    /** Where output pixel {@code (x, y)} samples the input, in pixel indices (centres at integers). */
    private interface SourceMap {
        void source(int x, int y, double[] out);
    }

    /**
     * Resamples (PyTorch's {@code grid_sample}, zero padding: bilinear taps outside the input count
     * as 0; nearest rounds half to even), then blends {@code fill} in where the input did not reach.
     */
    private static Image sample(Image image, int h, int w, SourceMap map, Interpolation interpolation, float fill) {
        if (interpolation != Interpolation.NEAREST && interpolation != Interpolation.BILINEAR) {
            throw new IllegalArgumentException("interpolation " + interpolation + ": rotations, affine and perspective warps take NEAREST or BILINEAR");
        }
        int c = image.channels();
        int ih = image.height();
        int iw = image.width();
        float[] src = image.toChw();
        ImageBuffer out = new ImageBuffer(c, h, w);
        float[] dst = out.data();
        int plane = h * w;
        int iplane = ih * iw;
        double[] xy = new double[2];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                map.source(j, i, xy);
                double ix = xy[0];
                double iy = xy[1];
                int o = i * w + j;
                if (interpolation == Interpolation.NEAREST) {
                    int sx = (int) Math.rint(ix);
                    int sy = (int) Math.rint(iy);
                    boolean in = sx >= 0 && sx < iw && sy >= 0 && sy < ih;
                    for (int ch = 0; ch < c; ch++) {
                        dst[ch * plane + o] = in ? src[ch * iplane + sy * iw + sx] : fill;
                    }
                } else {
                    int x0 = (int) Math.floor(ix);
                    int y0 = (int) Math.floor(iy);
                    double fx = ix - x0;
                    double fy = iy - y0;
                    double w00 = (1 - fx) * (1 - fy);
                    double w01 = fx * (1 - fy);
                    double w10 = (1 - fx) * fy;
                    double w11 = fx * fy;
                    boolean bx0 = x0 >= 0 && x0 < iw;
                    boolean bx1 = x0 + 1 >= 0 && x0 + 1 < iw;
                    boolean by0 = y0 >= 0 && y0 < ih;
                    boolean by1 = y0 + 1 >= 0 && y0 + 1 < ih;
                    double covered = (bx0 && by0 ? w00 : 0) + (bx1 && by0 ? w01 : 0) + (bx0 && by1 ? w10 : 0) + (bx1 && by1 ? w11 : 0);
                    for (int ch = 0; ch < c; ch++) {
                        int b = ch * iplane;
                        double v = 0;
                        if (by0) {
                            if (bx0) {
                                v += w00 * src[b + y0 * iw + x0];
                            }
                            if (bx1) {
                                v += w01 * src[b + y0 * iw + x0 + 1];
                            }
                        }
                        if (by1) {
                            if (bx0) {
                                v += w10 * src[b + (y0 + 1) * iw + x0];
                            }
                            if (bx1) {
                                v += w11 * src[b + (y0 + 1) * iw + x0 + 1];
                            }
                        }
                        dst[ch * plane + o] = (float) (v + (1 - covered) * fill);
                    }
                }
            }
        }
        return out.toImage();
    }

    /**
     * The coefficients of the homography that maps {@code to[k]} onto {@code from[k]} (torchvision's
     * {@code _get_perspective_coeffs}): {@code x_in = (c0 x + c1 y + c2) / (c6 x + c7 y + 1)},
     * {@code y_in = (c3 x + c4 y + c5) / (c6 x + c7 y + 1)}.
     *
     * @param from four points {x, y} in the input (pixel indices), corners in order
     * @param to   the four points they go to in the output
     * @return {@code c0 .. c7}
     * @throws IllegalArgumentException if the points are degenerate (three on a line)
     */
    public static double[] perspectiveCoefficients(double[][] from, double[][] to) {
        if (from.length != 4 || to.length != 4) {
            throw new IllegalArgumentException("perspective: expected 4 start points and 4 end points, got " + from.length + " and " + to.length);
        }
        double[][] a = new double[8][9];
        for (int i = 0; i < 4; i++) {
            double x = to[i][0];
            double y = to[i][1];
            double u = from[i][0];
            double v = from[i][1];
            a[2 * i] = new double[] {x, y, 1, 0, 0, 0, -u * x, -u * y, u};
            a[2 * i + 1] = new double[] {0, 0, 0, x, y, 1, -v * x, -v * y, v};
        }
        for (int col = 0; col < 8; col++) {
            int pivot = col;
            for (int r = col + 1; r < 8; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            if (Math.abs(a[pivot][col]) < 1e-12) {
                throw new IllegalArgumentException("perspective: the points are degenerate (three on a line?); expected a quadrilateral");
            }
            double[] t = a[col];
            a[col] = a[pivot];
            a[pivot] = t;
            for (int r = 0; r < 8; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int k = col; k < 9; k++) {
                        a[r][k] -= f * a[col][k];
                    }
                }
            }
        }
        double[] c = new double[8];
        for (int i = 0; i < 8; i++) {
            c[i] = a[i][8] / a[i][i];
        }
        return c;
    }

    /**
     * A perspective warp (torchvision's {@code perspective}): output pixel {@code (i, j)} samples the
     * input at the homography of its centre {@code (j + 0.5, i + 0.5)} minus half a pixel, with zeros
     * (then {@code fill}) where the input does not reach.
     *
     * @param image         the input
     * @param from          the input's four corner points {x, y}
     * @param to            where they go in the output
     * @param interpolation {@link Interpolation#NEAREST} or {@link Interpolation#BILINEAR}
     * @param fill          the value where the input does not reach
     * @return the warped image, of the input's size
     */
    public static Image perspective(Image image, double[][] from, double[][] to, Interpolation interpolation, float fill) {
        double[] c = perspectiveCoefficients(from, to);
        int w = image.width();
        int h = image.height();
        return sample(image, h, w, (x, y, out) -> {
            double px = x + 0.5;
            double py = y + 0.5;
            double den = c[6] * px + c[7] * py + 1;
            out[0] = (c[0] * px + c[1] * py + c[2]) / den - 0.5;
            out[1] = (c[3] * px + c[4] * py + c[5]) / den - 0.5;
        }, interpolation, fill);
    }

    // ---------------------------------------------------------------- colour

    /**
     * Multiplies by {@code factor}, clamped to [0, 1] (torchvision's {@code adjust_brightness}).
     *
     * @param image  the input
     * @param factor at least 0; 1 is the identity
     * @return the adjusted image
     */
    public static Image adjustBrightness(Image image, double factor) {
        nonNegative("brightness factor", factor);
        return blendColour(image, (float) factor, null, 0f);
    }

    /**
     * Blends with the mean grey level, clamped (torchvision's {@code adjust_contrast}):
     * {@code f x + (1 - f) mean(L)}.
     *
     * @param image  the input
     * @param factor at least 0; 1 is the identity, 0 a uniform grey
     * @return the adjusted image
     */
    public static Image adjustContrast(Image image, double factor) {
        nonNegative("contrast factor", factor);
        float[] s = image.toChw();
        int plane = image.height() * image.width();
        double sum = 0;
        if (image.channels() >= 3) {
            for (int p = 0; p < plane; p++) {
                sum += LUMA_R * s[p] + LUMA_G * s[plane + p] + LUMA_B * s[2 * plane + p];
            }
        } else {
            for (int p = 0; p < plane; p++) {
                sum += s[p];
            }
        }
        return blendColour(image, (float) factor, null, (float) (sum / plane));
    }

    /**
     * Blends with the grey version, clamped (torchvision's {@code adjust_saturation}).
     *
     * @param image  the input
     * @param factor at least 0; 1 is the identity, 0 grey
     * @return the adjusted image
     */
    public static Image adjustSaturation(Image image, double factor) {
        nonNegative("saturation factor", factor);
        if (image.channels() < 3) {
            return image;
        }
        return blendColour(image, (float) factor, luma(image.toChw(), image.height() * image.width()), 0f);
    }

    /** {@code clamp(f x + (1 - f) other)} on the colour channels; {@code other} is a plane or a constant. */
    private static Image blendColour(Image image, float f, float[] otherPlane, float otherValue) {
        float[] s = image.toChw();
        int plane = image.height() * image.width();
        int colour = image.channels() >= 3 ? 3 : 1;
        ImageBuffer out = new ImageBuffer(image.channels(), image.height(), image.width());
        float[] d = out.data();
        System.arraycopy(s, 0, d, 0, s.length);
        for (int ch = 0; ch < colour; ch++) {
            int b = ch * plane;
            for (int p = 0; p < plane; p++) {
                float o = otherPlane != null ? otherPlane[p] : otherValue;
                d[b + p] = clamp01(f * s[b + p] + (1f - f) * o);
            }
        }
        return out.toImage();
    }

    private static float[] luma(float[] s, int plane) {
        float[] l = new float[plane];
        for (int p = 0; p < plane; p++) {
            l[p] = LUMA_R * s[p] + LUMA_G * s[plane + p] + LUMA_B * s[2 * plane + p];
        }
        return l;
    }

    /**
     * Shifts the hue by {@code factor} turns through HSV (torchvision's {@code adjust_hue}).
     *
     * @param image  the input
     * @param factor in [-0.5, 0.5]; 0 is the identity
     * @return the adjusted image
     */
    public static Image adjustHue(Image image, double factor) {
        if (!(factor >= -0.5 && factor <= 0.5)) {
            throw new IllegalArgumentException("hue factor=" + factor + ": expected a value in [-0.5, 0.5] (turns of the colour wheel)");
        }
        if (image.channels() < 3) {
            return image;
        }
        float hf = (float) factor;
        float[] s = image.toChw();
        int plane = image.height() * image.width();
        ImageBuffer out = new ImageBuffer(image.channels(), image.height(), image.width());
        float[] d = out.data();
        System.arraycopy(s, 0, d, 0, s.length);
        for (int p = 0; p < plane; p++) {
            float r = s[p];
            float g = s[plane + p];
            float b = s[2 * plane + p];
            float maxc = Math.max(r, Math.max(g, b));
            float minc = Math.min(r, Math.min(g, b));
            boolean eqc = maxc == minc;
            float cr = maxc - minc;
            float sat = cr / (eqc ? 1f : maxc);
            float div = eqc ? 1f : cr;
            float rc = (maxc - r) / div;
            float gc = (maxc - g) / div;
            float bc = (maxc - b) / div;
            float hue;
            if (maxc == r) {
                hue = bc - gc;
            } else if (maxc == g) {
                hue = 2f + rc - bc;
            } else {
                hue = 4f + gc - rc;
            }
            hue = (hue / 6f + 1f) % 1f;
            hue = hue + hf;
            hue = hue - (float) Math.floor(hue);
            float v = maxc;
            float i = (float) Math.floor(hue * 6f);
            float f = hue * 6f - i;
            int sector = Math.floorMod((int) i, 6);
            float pp = clamp01(v * (1f - sat));
            float q = clamp01(v * (1f - sat * f));
            float t = clamp01(v * (1f - sat * (1f - f)));
            float nr;
            float ng;
            float nb;
            switch (sector) {
                case 0: nr = v; ng = t; nb = pp; break;
                case 1: nr = q; ng = v; nb = pp; break;
                case 2: nr = pp; ng = v; nb = t; break;
                case 3: nr = pp; ng = q; nb = v; break;
                case 4: nr = t; ng = pp; nb = v; break;
                default: nr = v; ng = pp; nb = q; break;
            }
            d[p] = nr;
            d[plane + p] = ng;
            d[2 * plane + p] = nb;
        }
        return out.toImage();
    }

    /**
     * Grey levels {@code L = 0.2989 R + 0.587 G + 0.114 B} (torchvision's {@code rgb_to_grayscale}),
     * in 1 channel or repeated in 3; alpha is dropped. A grey image is kept (repeated for 3).
     *
     * @param image          the input
     * @param outputChannels 1 or 3
     * @return the grey image
     */
    public static Image grayscale(Image image, int outputChannels) {
        if (outputChannels != 1 && outputChannels != 3) {
            throw new IllegalArgumentException("outputChannels=" + outputChannels + ": expected 1 or 3");
        }
        int plane = image.height() * image.width();
        float[] s = image.toChw();
        float[] l = image.channels() >= 3 ? luma(s, plane) : java.util.Arrays.copyOf(s, plane);
        ImageBuffer out = new ImageBuffer(outputChannels, image.height(), image.width());
        float[] d = out.data();
        for (int ch = 0; ch < outputChannels; ch++) {
            System.arraycopy(l, 0, d, ch * plane, plane);
        }
        return out.toImage();
    }

    /**
     * Gaussian blur (torchvision's {@code gaussian_blur}): a separable kernel of
     * {@code exp(-x^2 / (2 sigma^2))} at {@code x = -(k-1)/2 .. (k-1)/2}, normalised, borders
     * reflected.
     *
     * @param image   the input
     * @param kernelX kernel width, odd, at least 1
     * @param kernelY kernel height, odd, at least 1
     * @param sigmaX  standard deviation along x, pixels, positive
     * @param sigmaY  standard deviation along y, pixels, positive
     * @return the blurred image
     */
    public static Image gaussianBlur(Image image, int kernelX, int kernelY, double sigmaX, double sigmaY) {
        float[] kx = gaussianKernel(kernelX, sigmaX, "kernelX", "sigmaX");
        float[] ky = gaussianKernel(kernelY, sigmaY, "kernelY", "sigmaY");
        int c = image.channels();
        int h = image.height();
        int w = image.width();
        float[] s = image.toChw();
        float[] mid = new float[s.length];
        int rx = kernelX / 2;
        int ry = kernelY / 2;
        int[] ix = new int[w * kernelX];
        for (int x = 0; x < w; x++) {
            for (int k = 0; k < kernelX; k++) {
                ix[x * kernelX + k] = padIndex(x + k - rx, w, PadMode.REFLECT);
            }
        }
        for (int row = 0; row < c * h; row++) {
            int b = row * w;
            for (int x = 0; x < w; x++) {
                float v = 0f;
                for (int k = 0; k < kernelX; k++) {
                    v += kx[k] * s[b + ix[x * kernelX + k]];
                }
                mid[b + x] = v;
            }
        }
        ImageBuffer out = new ImageBuffer(c, h, w);
        float[] d = out.data();
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int o = (ch * h + y) * w;
                for (int k = 0; k < kernelY; k++) {
                    int sy = padIndex(y + k - ry, h, PadMode.REFLECT);
                    float kv = ky[k];
                    int sb = (ch * h + sy) * w;
                    for (int x = 0; x < w; x++) {
                        d[o + x] += kv * mid[sb + x];
                    }
                }
            }
        }
        return out.toImage();
    }

    private static float[] gaussianKernel(int size, double sigma, String sizeName, String sigmaName) {
        if (size < 1 || size % 2 == 0) {
            throw new IllegalArgumentException(sizeName + "=" + size + ": expected an odd kernel size, at least 1 (for example 3 or 5)");
        }
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException(sigmaName + "=" + sigma + ": expected a positive standard deviation in pixels");
        }
        float half = (size - 1) * 0.5f;
        float[] k = new float[size];
        float sum = 0f;
        for (int i = 0; i < size; i++) {
            float x = size == 1 ? 0f : -half + i * (2 * half) / (size - 1);
            k[i] = (float) Math.exp(-0.5 * (x / sigma) * (x / sigma));
            sum += k[i];
        }
        for (int i = 0; i < size; i++) {
            k[i] /= sum;
        }
        return k;
    }

    /**
     * Sharpens or softens (torchvision's {@code adjust_sharpness}): blends with the image smoothed by
     * {@code [[1,1,1],[1,5,1],[1,1,1]] / 13} (border pixels unsmoothed), clamped.
     *
     * @param image  the input
     * @param factor at least 0; 1 is the identity, 0 the smoothed image, 2 twice as sharp
     * @return the adjusted image
     */
    public static Image adjustSharpness(Image image, double factor) {
        nonNegative("sharpness factor", factor);
        int c = image.channels();
        int h = image.height();
        int w = image.width();
        float[] s = image.toChw();
        if (h <= 2 || w <= 2) {
            return image;
        }
        int colour = c >= 3 ? 3 : 1;
        float f = (float) factor;
        ImageBuffer out = new ImageBuffer(c, h, w);
        float[] d = out.data();
        System.arraycopy(s, 0, d, 0, s.length);
        for (int ch = 0; ch < colour; ch++) {
            int b = ch * h * w;
            for (int y = 1; y < h - 1; y++) {
                for (int x = 1; x < w - 1; x++) {
                    int o = b + y * w + x;
                    float sm = 0f;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            sm += s[o + dy * w + dx];
                        }
                    }
                    sm = (sm + 4f * s[o]) / 13f;
                    d[o] = clamp01(f * s[o] + (1f - f) * sm);
                }
            }
        }
        return out.toImage();
    }

    /**
     * Inverts samples at or above {@code threshold}: {@code x >= t ? 1 - x : x} (torchvision's {@code solarize}).
     *
     * @param image     the input
     * @param threshold in [0, 1]
     * @return the solarized image
     */
    public static Image solarize(Image image, double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold=" + threshold + ": expected a value in [0, 1]");
        }
        return mapColour(image, v -> v >= threshold ? 1f - v : v);
    }

    /**
     * Inverts: {@code 1 - x} (torchvision's {@code invert}).
     *
     * @param image the input
     * @return the inverted image
     */
    public static Image invert(Image image) {
        return mapColour(image, v -> 1f - v);
    }

    /**
     * Keeps the top {@code bits} of each 8-bit sample ({@code x = round(255 x) & mask, / 255},
     * torchvision's {@code posterize} on bytes).
     *
     * @param image the input
     * @param bits  1 to 8; 8 is the identity up to 8-bit quantisation
     * @return the posterized image
     */
    public static Image posterize(Image image, int bits) {
        if (bits < 1 || bits > 8) {
            throw new IllegalArgumentException("bits=" + bits + ": expected 1 to 8 bits kept");
        }
        int mask = (0xff << (8 - bits)) & 0xff;
        return mapColour(image, v -> (toByte(v) & mask) / 255f);
    }

    /**
     * Stretches each colour channel to [0, 1] (torchvision's {@code autocontrast}); a constant channel is kept.
     *
     * @param image the input
     * @return the adjusted image
     */
    public static Image autocontrast(Image image) {
        int plane = image.height() * image.width();
        int colour = image.channels() >= 3 ? 3 : 1;
        float[] s = image.toChw();
        ImageBuffer out = new ImageBuffer(image.channels(), image.height(), image.width());
        float[] d = out.data();
        System.arraycopy(s, 0, d, 0, s.length);
        for (int ch = 0; ch < colour; ch++) {
            int b = ch * plane;
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < plane; p++) {
                min = Math.min(min, s[b + p]);
                max = Math.max(max, s[b + p]);
            }
            float scale = 1f / (max - min);
            if (!Float.isFinite(scale)) {
                min = 0f;
                scale = 1f;
            }
            for (int p = 0; p < plane; p++) {
                d[b + p] = clamp01((s[b + p] - min) * scale);
            }
        }
        return out.toImage();
    }

    /**
     * Equalizes each colour channel's histogram of 8-bit levels (torchvision's {@code equalize}).
     *
     * @param image the input
     * @return the equalized image, on 8-bit levels
     */
    public static Image equalize(Image image) {
        int plane = image.height() * image.width();
        int colour = image.channels() >= 3 ? 3 : 1;
        float[] s = image.toChw();
        ImageBuffer out = new ImageBuffer(image.channels(), image.height(), image.width());
        float[] d = out.data();
        System.arraycopy(s, 0, d, 0, s.length);
        int[] level = new int[plane];
        for (int ch = 0; ch < colour; ch++) {
            int b = ch * plane;
            long[] hist = new long[256];
            for (int p = 0; p < plane; p++) {
                level[p] = toByte(s[b + p]);
                hist[level[p]]++;
            }
            long lastNonZero = 0;
            long nonZeroSum = 0;
            for (int v = 0; v < 256; v++) {
                if (hist[v] != 0) {
                    nonZeroSum += hist[v];
                    lastNonZero = hist[v];
                }
            }
            long step = (nonZeroSum - lastNonZero) / 255;
            if (step == 0) {
                for (int p = 0; p < plane; p++) {
                    d[b + p] = level[p] / 255f;
                }
                continue;
            }
            int[] lut = new int[256];
            long cum = 0;
            for (int v = 0; v < 256; v++) {
                lut[v] = (int) Math.min(255, (cum + step / 2) / step);
                cum += hist[v];
            }
            for (int p = 0; p < plane; p++) {
                d[b + p] = lut[level[p]] / 255f;
            }
        }
        return out.toImage();
    }

    /**
     * Normalises each channel: {@code (x - mean[c]) / std[c]}.
     *
     * @param image the input
     * @param mean  one mean per channel, or one for all
     * @param std   one positive standard deviation per channel, or one for all
     * @return the normalised image (values leave [0, 1])
     */
    public static Image normalize(Image image, float[] mean, float[] std) {
        int c = image.channels();
        checkPerChannel("mean", mean, c);
        checkPerChannel("std", std, c);
        for (float v : std) {
            if (!(v > 0) || !Float.isFinite(v)) {
                throw new IllegalArgumentException("std " + java.util.Arrays.toString(std) + ": expected positive standard deviations");
            }
        }
        int plane = image.height() * image.width();
        float[] s = image.toChw();
        ImageBuffer out = new ImageBuffer(c, image.height(), image.width());
        float[] d = out.data();
        for (int ch = 0; ch < c; ch++) {
            float m = mean[mean.length == 1 ? 0 : ch];
            float inv = std[std.length == 1 ? 0 : ch];
            int b = ch * plane;
            for (int p = 0; p < plane; p++) {
                d[b + p] = (s[b + p] - m) / inv;
            }
        }
        return out.toImage();
    }

    private static void checkPerChannel(String name, float[] v, int channels) {
        Objects.requireNonNull(v, name);
        if (v.length != 1 && v.length != channels) {
            throw new IllegalArgumentException(name + " has " + v.length + " values: expected 1 or one per channel (" + channels + ")");
        }
    }

    /**
     * Sets a rectangle to {@code value} on every channel (torchvision's {@code erase}); the part
     * outside the image is ignored.
     *
     * @param image  the input
     * @param top    first row
     * @param left   first column
     * @param height rows, at least 0
     * @param width  columns, at least 0
     * @param value  the value written
     * @return the erased image
     */
    public static Image erase(Image image, int top, int left, int height, int width, float value) {
        int c = image.channels();
        int h = image.height();
        int w = image.width();
        float[] s = image.toChw();
        ImageBuffer out = new ImageBuffer(c, h, w);
        float[] d = out.data();
        System.arraycopy(s, 0, d, 0, s.length);
        int y0 = Math.max(0, top);
        int y1 = Math.min(h, top + height);
        int x0 = Math.max(0, left);
        int x1 = Math.min(w, left + width);
        for (int ch = 0; ch < c; ch++) {
            for (int y = y0; y < y1; y++) {
                java.util.Arrays.fill(d, (ch * h + y) * w + x0, (ch * h + y) * w + Math.max(x0, x1), value);
            }
        }
        return out.toImage();
    }

    /** A function of one sample. */
    private interface FloatOp {
        float apply(float v);
    }

    private static Image mapColour(Image image, FloatOp op) {
        int plane = image.height() * image.width();
        int colour = image.channels() >= 3 ? 3 : 1;
        float[] s = image.toChw();
        ImageBuffer out = new ImageBuffer(image.channels(), image.height(), image.width());
        float[] d = out.data();
        System.arraycopy(s, 0, d, 0, s.length);
        for (int i = 0; i < colour * plane; i++) {
            d[i] = op.apply(s[i]);
        }
        return out.toImage();
    }

    static int toByte(float v) {
        if (!(v > 0f)) {
            return 0;
        }
        if (v >= 1f) {
            return 255;
        }
        return (int) (v * 255f + 0.5f);
    }

    static float clamp01(float v) {
        return v < 0f ? 0f : v > 1f ? 1f : v;
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + "=" + v + ": expected at least 1 pixel");
        }
    }

    private static void nonNegative(String name, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + "=" + v + ": expected a finite value >= 0 (1 is the identity)");
        }
    }
}
