package dev.aiaas.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * An image-pipeline task (issue 16), on the same JPEGs for every engine, one thread:
 * <ul>
 *   <li>{@code image-decode-224}: one step decodes one JPEG (the files in turn), resizes it to
 *       224 x 224 (antialiased bilinear, as torchvision's {@code Resize}) and normalises it
 *       (ImageNet mean and deviation) into a float NCHW tensor of one item;</li>
 *   <li>{@code augment-224-b32}: one step turns 32 decoded photos (decoded in setup, the files in
 *       turn) into a float NCHW batch through random resized crop 224 + horizontal flip (p 0.5) +
 *       colour jitter (0.4, 0.4, 0.4, 0.1) + normalise, each with its own seed.</li>
 * </ul>
 * The photos: the JPEGs of the folder named by the system property {@value #PHOTOS_PROPERTY}
 * (for example the seven of Debian's {@code darknet} package), else the 320 x 240 photo embedded
 * in aiaas-datasets ({@code dev/aiaas/datasets/photos/dog.jpg}), written to a temporary folder.
 *
 * @param augment whether the augmentation task (else decode + resize + normalise)
 * @param batch   images per step: 1 for decoding, 32 for augmentation
 */
public record ImageTask(boolean augment, int batch) {

    /** The system property naming a folder of JPEGs to use instead of the embedded photo. */
    public static final String PHOTOS_PROPERTY = "aiaas.bench.photos";
    /** The embedded photo's class-path resource (aiaas-datasets). */
    static final String EMBEDDED = "dev/aiaas/datasets/photos/dog.jpg";
    /** The output side. */
    public static final int SIZE = 224;

    /**
     * Validates.
     *
     * @param augment whether the augmentation task
     * @param batch   at least 1
     */
    public ImageTask {
        if (batch < 1) {
            throw new IllegalArgumentException("batch=" + batch + ": expected at least 1");
        }
    }

    /** {@return the tasks: image-decode-224 and augment-224-b32} */
    public static List<ImageTask> tasks() {
        return List.of(new ImageTask(false, 1), new ImageTask(true, 32));
    }

    /** {@return {@code image-decode-224} or {@code augment-224-b32}} */
    public String benchmark() {
        return augment ? "augment-" + SIZE + "-b" + batch : "image-decode-" + SIZE;
    }

    /**
     * The JPEGs of the task, sorted by name: those of {@value #PHOTOS_PROPERTY}, or the embedded
     * photo copied into {@code scratch}.
     *
     * @param scratch a folder to write the embedded photo into
     * @return at least one file
     * @throws IllegalStateException if the named folder has no JPEG, or the embedded photo is missing
     */
    static List<Path> photos(Path scratch) {
        String folder = System.getProperty(PHOTOS_PROPERTY);
        try {
            if (folder != null && !folder.isBlank()) {
                List<Path> files;
                try (Stream<Path> s = Files.list(Path.of(folder))) {
                    files = s.filter(p -> {
                        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                        return n.endsWith(".jpg") || n.endsWith(".jpeg");
                    }).sorted().toList();
                }
                if (files.isEmpty()) {
                    throw new IllegalStateException(PHOTOS_PROPERTY + "=" + folder + " has no .jpg or .jpeg file; name a folder of JPEGs");
                }
                return files;
            }
            try (InputStream in = ImageTask.class.getClassLoader().getResourceAsStream(EMBEDDED)) {
                if (in == null) {
                    throw new IllegalStateException(EMBEDDED + " is not on the class path: put aiaas-datasets on it, or name a folder of JPEGs with -D"
                            + PHOTOS_PROPERTY + "=DIR");
                }
                Path f = scratch.resolve("dog.jpg");
                Files.write(f, in.readAllBytes());
                return new ArrayList<>(List.of(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the photos of " + (folder == null ? EMBEDDED : folder) + ": " + e.getMessage(), e);
        }
    }
}
