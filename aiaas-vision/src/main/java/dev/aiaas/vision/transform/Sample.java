package dev.aiaas.vision.transform;

import dev.aiaas.vision.image.Image;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link Transform} transforms together: an image, its bounding boxes and optionally its
 * segmentation mask. Geometric transforms move all three with the same drawn parameters (the mask
 * resampled with nearest-neighbour, so labels stay labels); colour transforms change the image only.
 *
 * @param image the image
 * @param boxes the boxes, in the image's pixel-edge coordinates (empty for none); a transform keeps
 *              their number and order (boxes pushed off the image become empty, clamped to its edge)
 * @param mask  a mask of the image's height and width (any channels, for example one channel of
 *              class labels), or null for none
 */
public record Sample(Image image, List<Box> boxes, Image mask) {

    /**
     * Validates and copies the box list.
     *
     * @param image the image
     * @param boxes the boxes (empty for none)
     * @param mask  a mask of the image's height and width, or null
     */
    public Sample {
        Objects.requireNonNull(image, "image");
        boxes = List.copyOf(Objects.requireNonNull(boxes, "boxes"));
        if (mask != null && (mask.height() != image.height() || mask.width() != image.width())) {
            throw new IllegalArgumentException("mask " + mask + " does not match image " + image
                    + ": expected the same height and width");
        }
    }

    /**
     * A sample of an image alone.
     *
     * @param image the image
     * @return the sample, with no boxes and no mask
     */
    public static Sample of(Image image) {
        return new Sample(image, List.of(), null);
    }

    /**
     * A sample of an image and its boxes.
     *
     * @param image the image
     * @param boxes the boxes
     * @return the sample, with no mask
     */
    public static Sample of(Image image, List<Box> boxes) {
        return new Sample(image, boxes, null);
    }
}
