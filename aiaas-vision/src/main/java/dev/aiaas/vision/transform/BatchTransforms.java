package dev.aiaas.vision.transform;

import dev.aiaas.vision.image.Image;
import dev.aiaas.vision.image.ImageBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The catalogue of batch transforms: MixUp and CutMix, as torchvision's reference scripts (and
 * transforms.v2) apply them: each image is mixed with the previous one in the batch (the batch
 * rolled by one, the first with the last), with one {@code lambda ~ Beta(alpha, alpha)} per batch.
 */
public final class BatchTransforms {

    private BatchTransforms() {
    }

    /**
     * MixUp (Zhang et al., "mixup: Beyond Empirical Risk Minimization", ICLR 2018):
     * {@code x_i = lambda x_i + (1 - lambda) x_(i-1)}, labels alike.
     *
     * @param alpha the Beta distribution's parameter, positive (torchvision's references: 0.2)
     * @return the transform
     */
    public static BatchTransform mixUp(double alpha) {
        checkAlpha(alpha);
        return (batch, seed) -> {
            double lambda = beta(new SplittableRandom(seed), alpha);
            List<Image> in = batch.images();
            List<Image> out = new ArrayList<>(in.size());
            for (int i = 0; i < in.size(); i++) {
                float[] a = in.get(i).toChw();
                float[] b = in.get(Math.floorMod(i - 1, in.size())).toChw();
                Image first = in.get(i);
                ImageBuffer buf = new ImageBuffer(first.channels(), first.height(), first.width());
                float[] d = buf.data();
                float l = (float) lambda;
                for (int k = 0; k < a.length; k++) {
                    d[k] = l * a[k] + (1 - l) * b[k];
                }
                out.add(buf.toImage());
            }
            return new Batch(out, mixLabels(batch.labels(), lambda));
        };
    }

    /**
     * CutMix (Yun et al., "CutMix: Regularization Strategy to Train Strong Classifiers with
     * Localizable Features", ICCV 2019): a rectangle centred at a uniform pixel, of sides
     * {@code sqrt(1 - lambda)} times the image's (cut at the edges), is pasted from the previous image;
     * the labels mix by the pasted area's actual fraction.
     *
     * @param alpha the Beta distribution's parameter, positive (torchvision's references: 1)
     * @return the transform
     */
    public static BatchTransform cutMix(double alpha) {
        checkAlpha(alpha);
        return (batch, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            double lambda = beta(r, alpha);
            List<Image> in = batch.images();
            int h = in.get(0).height();
            int w = in.get(0).width();
            int c = in.get(0).channels();
            int rx = r.nextInt(w);
            int ry = r.nextInt(h);
            double half = 0.5 * Math.sqrt(1 - lambda);
            int rw = (int) (half * w);
            int rh = (int) (half * h);
            int x1 = Math.max(rx - rw, 0);
            int y1 = Math.max(ry - rh, 0);
            int x2 = Math.min(rx + rw, w);
            int y2 = Math.min(ry + rh, h);
            double adjusted = 1 - (double) (x2 - x1) * (y2 - y1) / ((double) w * h);
            List<Image> out = new ArrayList<>(in.size());
            for (int i = 0; i < in.size(); i++) {
                float[] a = in.get(i).toChw();
                float[] b = in.get(Math.floorMod(i - 1, in.size())).toChw();
                for (int ch = 0; ch < c; ch++) {
                    for (int y = y1; y < y2; y++) {
                        int o = (ch * h + y) * w;
                        System.arraycopy(b, o + x1, a, o + x1, x2 - x1);
                    }
                }
                out.add(Image.of(c, h, w, a));
            }
            return new Batch(out, mixLabels(batch.labels(), adjusted));
        };
    }

    private static float[][] mixLabels(float[][] y, double lambda) {
        float[][] out = new float[y.length][];
        for (int i = 0; i < y.length; i++) {
            float[] a = y[i];
            float[] b = y[Math.floorMod(i - 1, y.length)];
            out[i] = new float[a.length];
            for (int k = 0; k < a.length; k++) {
                out[i][k] = (float) (lambda * a[k] + (1 - lambda) * b[k]);
            }
        }
        return out;
    }

    private static void checkAlpha(double alpha) {
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("alpha=" + alpha + ": expected a positive Beta parameter (MixUp: 0.2, CutMix: 1)");
        }
    }

    /** A draw of Beta(alpha, alpha) as {@code X / (X + Y)} of two Gamma(alpha) draws. */
    static double beta(SplittableRandom r, double alpha) {
        double x = gamma(r, alpha);
        double y = gamma(r, alpha);
        return x + y == 0 ? 0.5 : x / (x + y);
    }

    /**
     * A Gamma(shape, 1) draw: Marsaglia and Tsang, "A simple method for generating gamma variables",
     * ACM TOMS 26(3), 2000; for shape below 1, {@code Gamma(shape + 1) U^(1/shape)}.
     */
    static double gamma(SplittableRandom r, double shape) {
        if (shape < 1) {
            double u = r.nextDouble();
            return gamma(r, shape + 1) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = r.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = r.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
