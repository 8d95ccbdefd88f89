package dev.aiaas.vision.transform;

import java.util.ArrayList;
import java.util.List;

/**
 * A 2-D affine map in pixel-edge coordinates, {@code x' = a x + b y + c, y' = d x + e y + f}: how a
 * geometric transform moves points, used to move boxes with the image.
 */
record Affine2(double a, double b, double c, double d, double e, double f) {

    static Affine2 scaleTranslate(double sx, double sy, double tx, double ty) {
        return new Affine2(sx, 0, tx, 0, sy, ty);
    }

    /** The forward map of a warp whose inverse, in centred coordinates, is {@code m} (see {@link ImageOps#inverseAffine}). */
    static Affine2 fromCentredInverse(double[] m, int w, int h) {
        double hw = w * 0.5;
        double hh = h * 0.5;
        Affine2 inv = new Affine2(m[0], m[1], m[2] + hw - m[0] * hw - m[1] * hh, m[3], m[4], m[5] + hh - m[3] * hw - m[4] * hh);
        return inv.inverse();
    }

    Affine2 inverse() {
        double det = a * e - b * d;
        if (det == 0 || !Double.isFinite(det)) {
            throw new IllegalArgumentException("the affine map is singular (determinant " + det + ")");
        }
        double ia = e / det;
        double ib = -b / det;
        double id = -d / det;
        double ie = a / det;
        return new Affine2(ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f));
    }

    /** A map of points: writes the image of {@code (x, y)} into {@code out}. */
    interface PointMap {
        void map(double x, double y, double[] out);
    }

    /** Each box's corners mapped, their bounding box clamped to {@code [0, width] x [0, height]}. */
    List<Box> map(List<Box> boxes, int width, int height) {
        return mapCorners(boxes, (x, y, o) -> {
            o[0] = a * x + b * y + c;
            o[1] = d * x + e * y + f;
        }, width, height);
    }

    /** Each box's corners mapped by {@code m}, their bounding box clamped to {@code [0, width] x [0, height]}. */
    static List<Box> mapCorners(List<Box> boxes, PointMap m, int width, int height) {
        double[] p = new double[2];
        List<Box> out = new ArrayList<>(boxes.size());
        for (Box bx : boxes) {
            double[] xs = {bx.x1(), bx.x2(), bx.x1(), bx.x2()};
            double[] ys = {bx.y1(), bx.y1(), bx.y2(), bx.y2()};
            double x1 = Double.POSITIVE_INFINITY;
            double y1 = Double.POSITIVE_INFINITY;
            double x2 = Double.NEGATIVE_INFINITY;
            double y2 = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < 4; k++) {
                m.map(xs[k], ys[k], p);
                double x = p[0];
                double y = p[1];
                x1 = Math.min(x1, x);
                x2 = Math.max(x2, x);
                y1 = Math.min(y1, y);
                y2 = Math.max(y2, y);
            }
            x1 = clamp(x1, width);
            x2 = clamp(x2, width);
            y1 = clamp(y1, height);
            y2 = clamp(y2, height);
            out.add(new Box(x1, y1, x2, y2));
        }
        return out;
    }

    private static double clamp(double v, double max) {
        return v < 0 ? 0 : v > max ? max : v;
    }
}
