package dev.aiaas.vision.image;

import dev.aiaas.core.data.Shuffle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * An image-folder data set (torchvision's {@code ImageFolder}): one sub-folder of {@code root} per
 * class, named by it, classes numbered in the sorted order of their names; every PNG, JPEG and BMP
 * file inside a class folder (at any depth up to {@value #MAX_DEPTH}) is an example of that class,
 * in the sorted order of its path. Only the file list is held; images are read when used (see
 * {@code dev.aiaas.vision.transform.ImageLoader}).
 */
public final class ImageFolder implements ImageSource {

    /** The deepest a file may be below its class folder. */
    public static final int MAX_DEPTH = 16;

    private final Path root;
    private final List<String> classes;
    private final List<Path> files;
    private final int[] labels;

    private ImageFolder(Path root, List<String> classes, List<Path> files, int[] labels) {
        this.root = root;
        this.classes = classes;
        this.files = files;
        this.labels = labels;
    }

    /**
     * Lists a folder of class folders.
     *
     * @param root the folder
     * @return the data set
     * @throws IOException              if the folder cannot be listed
     * @throws IllegalArgumentException if {@code root} is not a folder, has no class folders, or a
     *                                  class folder holds no image
     */
    public static ImageFolder scan(Path root) throws IOException {
        Objects.requireNonNull(root, "root");
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException(root + " is not a folder: expected a folder with one sub-folder per class");
        }
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        if (classDirs.isEmpty()) {
            throw new IllegalArgumentException(root + " has no sub-folders: expected one sub-folder per class (root/cat/1.png, root/dog/2.jpg)");
        }
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path dir : classDirs) {
            List<Path> images;
            try (Stream<Path> s = Files.walk(dir, MAX_DEPTH)) {
                images = s.filter(Files::isRegularFile).filter(ImageFolder::isImageName).sorted().toList();
            }
            if (images.isEmpty()) {
                throw new IllegalArgumentException("class folder " + dir + " holds no .png, .jpg, .jpeg or .bmp file: add images or remove it");
            }
            int label = classes.size();
            classes.add(dir.getFileName().toString());
            for (Path p : images) {
                files.add(p);
                labels.add(label);
            }
        }
        return new ImageFolder(root, List.copyOf(classes), List.copyOf(files), labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".bmp"));
    }

    /** @return the folder */
    public Path root() {
        return root;
    }

    /** @return the class names, numbered by their position */
    @Override
    public List<String> classes() {
        return classes;
    }

    /** @return the examples */
    @Override
    public int size() {
        return files.size();
    }

    /**
     * An example's file.
     *
     * @param i the example, 0 to {@code size() - 1}
     * @return its file
     */
    public Path file(int i) {
        return files.get(i);
    }

    /**
     * An example's class.
     *
     * @param i the example, 0 to {@code size() - 1}
     * @return its class number
     */
    @Override
    public int label(int i) {
        Objects.checkIndex(i, labels.length);
        return labels[i];
    }

    /** Reads the example's file with {@link ImageFiles#read(Path, ImageLimits)}. */
    @Override
    public Image read(int i, ImageLimits limits) throws IOException {
        return ImageFiles.read(file(i), limits);
    }

    @Override
    public String describe(int i) {
        return file(i).toString();
    }

    /**
     * The examples at {@code indices}, in that order (the classes kept).
     *
     * @param indices examples of this set
     * @return the subset
     */
    public ImageFolder subset(int[] indices) {
        List<Path> f = new ArrayList<>(indices.length);
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            f.add(file(indices[k]));
            l[k] = label(indices[k]);
        }
        return new ImageFolder(root, classes, List.copyOf(f), l);
    }

    /**
     * A train/validation split by the codebase's one seed rule ({@link Shuffle#holdOut}): the
     * validation part is the first {@code round(n * fraction)} examples of the seed's permutation.
     *
     * @param validationFraction in (0, 1)
     * @param seed               the permutation's seed
     * @return {@code [train, validation]}
     */
    public List<ImageFolder> split(double validationFraction, long seed) {
        Shuffle.HoldOut h = Shuffle.holdOut(size(), validationFraction, seed);
        int[] train = h.train().clone();
        int[] val = h.heldOut().clone();
        Arrays.sort(train);
        Arrays.sort(val);
        return List.of(subset(train), subset(val));
    }
}
