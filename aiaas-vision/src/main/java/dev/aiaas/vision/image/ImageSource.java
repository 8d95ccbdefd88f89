package dev.aiaas.vision.image;

import java.io.IOException;
import java.util.List;

/**
 * A labelled set of images that a data loader ({@code dev.aiaas.vision.transform.ImageLoader})
 * reads example by example, on any of its worker threads: an {@link ImageFolder} of files, or the
 * images of IDX files ({@link IdxImages}). Implementations are immutable and thread-safe.
 */
public interface ImageSource {

    /** {@return the number of examples} */
    int size();

    /** {@return the class names, numbered by their position} */
    List<String> classes();

    /**
     * An example's class.
     *
     * @param i the example, 0 to {@code size() - 1}
     * @return its class number, 0 to {@code classes().size() - 1}
     */
    int label(int i);

    /**
     * Reads an example's image.
     *
     * @param i      the example, 0 to {@code size() - 1}
     * @param limits the largest image accepted
     * @return the image, values in [0, 1]
     * @throws IOException when it cannot be read (an {@link ImageFormatException} names the file)
     */
    Image read(int i, ImageLimits limits) throws IOException;

    /**
     * Where an example comes from, for messages: its file, or its file and item number.
     *
     * @param i the example
     * @return a short description
     */
    String describe(int i);
}
