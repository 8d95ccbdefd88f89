package dev.aiaas.vision.transform;

/**
 * An axis-aligned bounding box in pixel-edge coordinates ({@code xyxy}, as torchvision's
 * {@code BoundingBoxFormat.XYXY}): {@code x} from 0 at the image's left edge to {@code width} at its
 * right edge, {@code y} from 0 at the top edge to {@code height}; pixel {@code (row, col)} covers
 * {@code [col, col + 1] x [row, row + 1]}.
 *
 * @param x1 left, at most {@code x2}
 * @param y1 top, at most {@code y2}
 * @param x2 right
 * @param y2 bottom
 */
public record Box(double x1, double y1, double x2, double y2) {

    /**
     * Validates: finite, {@code x1 <= x2}, {@code y1 <= y2}.
     *
     * @param x1 left
     * @param y1 top
     * @param x2 right
     * @param y2 bottom
     */
    public Box {
        if (!(Double.isFinite(x1) && Double.isFinite(y1) && Double.isFinite(x2) && Double.isFinite(y2))) {
            throw new IllegalArgumentException("box (" + x1 + ", " + y1 + ", " + x2 + ", " + y2 + "): expected finite coordinates");
        }
        if (x1 > x2 || y1 > y2) {
            throw new IllegalArgumentException("box (" + x1 + ", " + y1 + ", " + x2 + ", " + y2
                    + "): expected x1 <= x2 and y1 <= y2 (corners top-left, bottom-right)");
        }
    }

    /** @return {@code x2 - x1} */
    public double width() {
        return x2 - x1;
    }

    /** @return {@code y2 - y1} */
    public double height() {
        return y2 - y1;
    }

    /** @return whether the box has no area (a transform moved it off the image) */
    public boolean isEmpty() {
        return x2 <= x1 || y2 <= y1;
    }
}
