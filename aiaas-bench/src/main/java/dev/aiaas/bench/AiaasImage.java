package dev.aiaas.bench;

import dev.aiaas.vision.image.Image;
import dev.aiaas.vision.image.ImageDecoders;
import dev.aiaas.vision.image.ImageDecoders.Decoder;
import dev.aiaas.vision.image.ImageFiles;
import dev.aiaas.vision.image.ImageLimits;
import dev.aiaas.vision.image.ImageTensors;
import dev.aiaas.vision.transform.ImageOps;
import dev.aiaas.vision.transform.Interpolation;
import dev.aiaas.vision.transform.Transform;
import dev.aiaas.vision.transform.Transforms;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * aiaas-vision on an {@link ImageTask}, on the calling thread: engine {@code aiaas} decodes with
 * the decoder {@link ImageDecoders#active()} chooses (OpenCV when it is on the class path) through
 * the fast path ({@code ImageFiles.readHwc}, then {@code ImageOps.resize} of the bytes, then
 * normalise; the same tensor as the float path), {@code aiaas-imageio} with ImageIO forced through
 * the float path ({@code ImageFiles.read}, resize, normalise). The augmentation task decodes in setup, so it has the
 * {@code aiaas} engine only.
 */
public final class AiaasImage implements Workload {

    /** The engine that forces ImageIO. */
    public static final String IMAGEIO_ENGINE = "aiaas-imageio";

    private final ImageTask task;
    private final boolean forceImageIo;
    private Path scratch;
    private List<Path> files;
    private List<Image> decoded;
    private Transform transform;
    private Decoder decoder;
    private long step;

    /**
     * The workload; nothing is read before {@link #setup()}.
     *
     * @param task         the task
     * @param forceImageIo whether to decode with ImageIO whatever {@link ImageDecoders#active()} says
     */
    public AiaasImage(ImageTask task, boolean forceImageIo) {
        if (forceImageIo && task.augment()) {
            throw new IllegalArgumentException(task.benchmark() + " decodes in setup: it has no " + IMAGEIO_ENGINE + " engine");
        }
        this.task = task;
        this.forceImageIo = forceImageIo;
    }

    /**
     * The task's workloads: {@code aiaas}, and for decoding {@code aiaas-imageio} too.
     *
     * @param task the task
     * @return the workloads
     */
    public static List<Workload> of(ImageTask task) {
        return task.augment() ? List.of(new AiaasImage(task, false)) : List.of(new AiaasImage(task, false), new AiaasImage(task, true));
    }

    @Override
    public String benchmark() {
        return task.benchmark();
    }

    @Override
    public String engine() {
        return forceImageIo ? IMAGEIO_ENGINE : "aiaas";
    }

    @Override
    public double flopsPerStep() {
        return 0;
    }

    @Override
    public boolean usesComputeThreads() {
        return false;
    }

    @Override
    public void setup() {
        try {
            scratch = Files.createTempDirectory("aiaas-bench-photos");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for the photos: " + e.getMessage(), e);
        }
        files = ImageTask.photos(scratch);
        decoder = forceImageIo ? Decoder.IMAGEIO : ImageDecoders.active();
        Transform normalise = Transforms.normalize(Transforms.IMAGENET_MEAN, Transforms.IMAGENET_STD);
        if (task.augment()) {
            transform = Transforms.compose(Transforms.randomResizedCrop(ImageTask.SIZE, ImageTask.SIZE), Transforms.horizontalFlip(0.5),
                    Transforms.colorJitter(0.4, 0.4, 0.4, 0.1), normalise);
            decoded = new ArrayList<>();
            for (int i = 0; i < task.batch(); i++) {
                decoded.add(read(files.get(i % files.size())));
            }
        } else {
            transform = forceImageIo ? Transforms.compose(Transforms.resize(ImageTask.SIZE, ImageTask.SIZE, Interpolation.BILINEAR_ANTIALIAS),
                    normalise) : normalise;
        }
        step = 0;
    }

    private Image read(Path f) {
        try {
            return ImageFiles.read(f, ImageLimits.defaults(), decoder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fast path: the decoder's bytes, resized without a full-size float image (ImageOps.resize(HwcBytes, ...)). */
    private Image resizeFromBytes(Path f) {
        try {
            return ImageOps.resize(ImageFiles.readHwc(f, ImageLimits.defaults(), decoder), ImageTask.SIZE, ImageTask.SIZE,
                    Interpolation.BILINEAR_ANTIALIAS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void step() {
        List<Image> out = new ArrayList<>(task.batch());
        for (int i = 0; i < task.batch(); i++) {
            long k = step++;
            Image im;
            if (task.augment()) {
                im = decoded.get(i);
            } else if (forceImageIo) {
                im = read(files.get((int) (k % files.size())));
            } else {
                im = resizeFromBytes(files.get((int) (k % files.size())));
            }
            out.add(transform.apply(im, k));
        }
        float[] nchw = ImageTensors.nchw(out);
        if (nchw.length != task.batch() * 3 * ImageTask.SIZE * ImageTask.SIZE) {
            throw new IllegalStateException(benchmark() + " made " + nchw.length + " floats; expected " + task.batch() + " x 3 x 224 x 224");
        }
    }

    @Override
    public void close() {
        decoded = null;
        files = null;
        if (scratch != null) {
            try (var s = Files.list(scratch)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(scratch);
            } catch (IOException e) {
                // a temporary folder left behind is not worth failing the run
            }
            scratch = null;
        }
    }
}
