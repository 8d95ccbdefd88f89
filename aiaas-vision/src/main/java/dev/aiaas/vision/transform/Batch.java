package dev.aiaas.vision.transform;

import dev.aiaas.vision.image.Image;
import java.util.List;
import java.util.Objects;

/**
 * A batch for batch-level augmentation ({@link BatchTransform}): images of one shape and their
 * soft labels, one row of class probabilities per image.
 *
 * @param images at least one image, all of one shape
 * @param labels one row per image, all rows of one length (the classes); copied
 */
public record Batch(List<Image> images, float[][] labels) {

    /**
     * Validates and copies.
     *
     * @param images at least one image, all of one shape
     * @param labels one row per image, all rows of one length
     */
    public Batch {
        images = List.copyOf(Objects.requireNonNull(images, "images"));
        Objects.requireNonNull(labels, "labels");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("images is empty: expected at least one image");
        }
        if (labels.length != images.size()) {
            throw new IllegalArgumentException(labels.length + " label rows for " + images.size() + " images: expected one row per image");
        }
        Image first = images.get(0);
        float[][] copy = new float[labels.length][];
        for (int i = 0; i < images.size(); i++) {
            Image im = images.get(i);
            if (im.channels() != first.channels() || im.height() != first.height() || im.width() != first.width()) {
                throw new IllegalArgumentException("image " + i + " is " + im + ", image 0 is " + first + ": a batch needs one shape");
            }
            if (labels[i] == null || labels[i].length != labels[0].length || labels[0].length == 0) {
                throw new IllegalArgumentException("label row " + i + ": expected " + labels[0].length + " class probabilities, as row 0");
            }
            copy[i] = labels[i].clone();
        }
        labels = copy;
    }

    /**
     * A batch of hard labels, one-hot.
     *
     * @param images     the images
     * @param classes    each image's class, 0 to {@code numClasses - 1}
     * @param numClasses the classes, at least 1
     * @return the batch
     */
    public static Batch ofClasses(List<Image> images, int[] classes, int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses=" + numClasses + ": expected at least 1");
        }
        float[][] l = new float[classes.length][numClasses];
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] < 0 || classes[i] >= numClasses) {
                throw new IllegalArgumentException("class " + classes[i] + " of image " + i + ": expected 0 to " + (numClasses - 1));
            }
            l[i][classes[i]] = 1f;
        }
        return new Batch(images, l);
    }

    /** @return a copy of the labels */
    @Override
    public float[][] labels() {
        float[][] c = new float[labels.length][];
        for (int i = 0; i < labels.length; i++) {
            c[i] = labels[i].clone();
        }
        return c;
    }
}
