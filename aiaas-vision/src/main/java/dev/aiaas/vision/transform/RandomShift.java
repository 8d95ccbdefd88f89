package dev.aiaas.vision.transform;

import dev.aiaas.core.math.Buf;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.train.Augmentation;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training {@link Augmentation} for images held as flat rows of {@code C·H·W} pixels (as
 * {@code Mnist}, {@code FashionMnist} and the CLI's IDX folders hold them): each image of a batch
 * is translated by a whole number of pixels (dy, dx), each drawn uniformly from
 * {@code [-maxShift, maxShift]}, the uncovered border filled with 0; with {@code flip}, it is
 * also mirrored left to right with probability 1/2 (before the shift). For pixel (c, i, j):
 *
 * <pre>
 * y[c, i, j] = x[c, i − dy, m(j − dx)]   when (i − dy, j − dx) lies inside the image, else 0,
 * m(j) = W − 1 − j with a flip, j without
 * </pre>
 *
 * This is the random crop of a {@code maxShift}-padded image (torchvision's
 * {@code RandomCrop(size, padding=maxShift)}, with {@code RandomHorizontalFlip} for {@code flip}).
 * Every draw of image k of a batch comes from {@code Seeds.mix(seed, k)}: the same seed gives the
 * same batch, bit for bit, and nothing is allocated per batch once the scratch rows are as large as
 * the largest batch. Leave {@code flip} off for images whose mirror is another class (digits,
 * text).
 *
 * @param channels C, at least 1
 * @param height   H, at least 1
 * @param width    W, at least 1
 * @param maxShift the largest shift in pixels, in [0, min(H, W))
 * @param flip     whether images are also mirrored left to right, half of the time
 */
public record RandomShift(int channels, int height, int width, int maxShift, boolean flip) implements Augmentation {

    /**
     * Validates the shape and the shift.
     *
     * @param channels C, at least 1
     * @param height   H, at least 1
     * @param width    W, at least 1
     * @param maxShift in [0, min(H, W))
     * @param flip     whether to mirror half of the images
     */
    public RandomShift {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("an image needs at least one channel and one pixel in each direction. Received: "
                    + "channels=" + channels + ", height=" + height + ", width=" + width);
        }
        if (maxShift < 0 || maxShift >= Math.min(height, width)) {
            throw new IllegalArgumentException("maxShift must be in [0, " + Math.min(height, width) + ") for " + height + "x" + width
                    + " images (a shift of the whole image or more leaves nothing of it). Received: maxShift=" + maxShift);
        }
    }

    /** The pixels of one image, C·H·W. */
    private int pixels() {
        return Math.multiplyExact(Math.multiplyExact(channels, height), width);
    }

    /**
     * @throws IllegalArgumentException when the model's input shape is not {@code [C·H·W]}
     */
    @Override
    public Bound bind(Model model) {
        long[] in = model.inputShape();
        if (in.length != 1 || in[0] != pixels()) {
            throw new IllegalArgumentException("RandomShift(" + channels + ", " + height + ", " + width + ") changes rows of "
                    + pixels() + " pixels, but the model takes inputs of shape " + Arrays.toString(in)
                    + "; give the model's image shape (C, H, W) with C·H·W = its input width");
        }
        return new Run(model.dataType());
    }

    /** The translation and flip of image {@code k} of a batch seeded {@code seed}: {dy, dx, flip (1) or not (0)}. */
    int[] draw(long seed, int k) {
        long z = Seeds.mix(seed, k);
        int span = 2 * maxShift + 1;
        int dy = (int) ((z & 0xFFFFFFL) % span) - maxShift;
        int dx = (int) (((z >>> 24) & 0xFFFFFFL) % span) - maxShift;
        int f = flip && (z >>> 63) != 0 ? 1 : 0;
        return new int[] {dy, dx, f};
    }

    /** One run's scratch rows. */
    private final class Run implements Bound {
        private final boolean single;
        private float[] fs = new float[0];
        private float[] fd = new float[0];
        private double[] ds = new double[0];
        private double[] dd = new double[0];

        Run(DataType dataType) {
            this.single = dataType == DataType.FLOAT;
        }

        @Override
        public void apply(INDArray x, long seed) {
            int n = pixels();
            int batch = Math.toIntExact(x.size(0));
            Buf buf = Buf.of(x);
            int span = 2 * maxShift + 1;
            for (int k = 0; k < batch; k++) {
                long z = Seeds.mix(seed, k); // as draw(seed, k), without its array
                int dy = (int) ((z & 0xFFFFFFL) % span) - maxShift;
                int dx = (int) (((z >>> 24) & 0xFFFFFFL) % span) - maxShift;
                boolean mirror = flip && (z >>> 63) != 0;
                if (dy == 0 && dx == 0 && !mirror) {
                    continue;
                }
                if (single) {
                    if (fs.length < n) {
                        fs = new float[n];
                        fd = new float[n];
                    }
                    buf.read(k * n, fs, n);
                    shift(fs, fd, dy, dx, mirror);
                    buf.write(k * n, fd, n);
                } else {
                    if (ds.length < n) {
                        ds = new double[n];
                        dd = new double[n];
                    }
                    buf.read(k * n, ds, n);
                    shift(ds, dd, dy, dx, mirror);
                    buf.write(k * n, dd, n);
                }
            }
        }

        private void shift(float[] src, float[] dst, int dy, int dx, boolean mirror) {
            Arrays.fill(dst, 0, pixels(), 0f);
            int area = height * width;
            for (int c = 0; c < channels; c++) {
                for (int i = Math.max(0, dy); i < Math.min(height, height + dy); i++) {
                    int to = c * area + i * width;
                    int from = c * area + (i - dy) * width;
                    for (int j = Math.max(0, dx); j < Math.min(width, width + dx); j++) {
                        int jj = j - dx;
                        dst[to + j] = src[from + (mirror ? width - 1 - jj : jj)];
                    }
                }
            }
        }

        private void shift(double[] src, double[] dst, int dy, int dx, boolean mirror) {
            Arrays.fill(dst, 0, pixels(), 0.0);
            int area = height * width;
            for (int c = 0; c < channels; c++) {
                for (int i = Math.max(0, dy); i < Math.min(height, height + dy); i++) {
                    int to = c * area + i * width;
                    int from = c * area + (i - dy) * width;
                    for (int j = Math.max(0, dx); j < Math.min(width, width + dx); j++) {
                        int jj = j - dx;
                        dst[to + j] = src[from + (mirror ? width - 1 - jj : jj)];
                    }
                }
            }
        }
    }
}
