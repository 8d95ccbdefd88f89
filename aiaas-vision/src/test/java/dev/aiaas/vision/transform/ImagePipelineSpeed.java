package dev.aiaas.vision.transform;

import dev.aiaas.vision.image.Image;
import dev.aiaas.vision.image.ImageDecoders;
import dev.aiaas.vision.image.ImageDecoders.Decoder;
import dev.aiaas.vision.image.ImageFiles;
import dev.aiaas.vision.image.ImageLimits;
import dev.aiaas.vision.image.ImageTensors;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Not a test: images per second, on the calling thread, of (a) decode + resize to 224 x 224
 * (antialiased bilinear, as PIL's and torchvision's {@code Resize}) + normalise (ImageNet) into an
 * NCHW float batch, over the JPEGs of a folder, and (b) the augmentation pipeline random resized
 * crop 224 + flip + colour jitter + normalise over the decoded photos. Best of {@code rounds}
 * rounds, by wall-clock time and by the thread's CPU time (which a busy machine moves far less).
 * The peer is {@code tools/image_pipeline_speed.py} (torchvision 0.14). (a) runs twice a round,
 * with the OpenCV decoder when it loads and with ImageIO; first, the largest difference between
 * the two decoders' samples over the photos is printed; and a third time through the fast path
 * (the OpenCV decoder's bytes resized directly: {@code ImageFiles.readHwc}, {@code ImageOps.resize(HwcBytes, ...)}).
 *
 * <p>{@code java -cp ... dev.aiaas.vision.transform.ImagePipelineSpeed FOLDER [rounds] [repeat]}
 */
public final class ImagePipelineSpeed {

    private ImagePipelineSpeed() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int repeat = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(".jpg")).sorted().toList();
        }
        Transform resizeNormalise = Transforms.compose(Transforms.resize(224, 224, Interpolation.BILINEAR_ANTIALIAS),
                Transforms.normalize(Transforms.IMAGENET_MEAN, Transforms.IMAGENET_STD));
        Transform augment = Transforms.compose(Transforms.randomResizedCrop(224, 224), Transforms.horizontalFlip(0.5),
                Transforms.colorJitter(0.4, 0.4, 0.4, 0.1), Transforms.normalize(Transforms.IMAGENET_MEAN, Transforms.IMAGENET_STD));
        List<Image> decoded = new ArrayList<>();
        for (Path p : files) {
            decoded.add(ImageFiles.read(p));
        }
        System.out.println("decoder: " + ImageDecoders.report());
        boolean openCv = ImageDecoders.openCvLoads();
        if (openCv) {
            double max = 0;
            double sum = 0;
            long count = 0;
            for (Path p : files) {
                float[] x = ImageFiles.read(p, ImageLimits.defaults(), Decoder.OPENCV).toChw();
                float[] y = ImageFiles.read(p, ImageLimits.defaults(), Decoder.IMAGEIO).toChw();
                for (int i = 0; i < x.length; i++) {
                    double d = Math.abs(x[i] - y[i]) * 255;
                    max = Math.max(max, d);
                    sum += d;
                }
                count += x.length;
            }
            System.out.printf(Locale.ROOT, "OpenCV against ImageIO over %d photos: max %.0f levels, mean %.4f levels%n", files.size(), max, sum / count);
        }
        ThreadMXBean tb = ManagementFactory.getThreadMXBean();
        int n = files.size() * repeat;
        double[] best = new double[8];
        for (int round = 0; round < rounds; round++) {
            double[] imageIo = decodeResize(files, n, resizeNormalise, Decoder.IMAGEIO, tb);
            double[] fast = openCv ? decodeResize(files, n, resizeNormalise, Decoder.OPENCV, tb) : new double[2];
            best[4] = Math.max(best[4], fast[0]);
            best[5] = Math.max(best[5], fast[1]);
            double[] bytes = openCv ? decodeResizeBytes(files, n, Decoder.OPENCV, tb) : new double[2];
            best[6] = Math.max(best[6], bytes[0]);
            best[7] = Math.max(best[7], bytes[1]);
            double aWall = imageIo[0];
            double aCpu = imageIo[1];
            float[] batch = new float[0];
            long w0;
            long c0;
            w0 = System.nanoTime();
            c0 = tb.getCurrentThreadCpuTime();
            List<Image> aug = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                aug.add(augment.apply(decoded.get(i % decoded.size()), i));
            }
            float[] batch2 = ImageTensors.nchw(aug);
            double bWall = n / ((System.nanoTime() - w0) / 1e9);
            double bCpu = n / ((tb.getCurrentThreadCpuTime() - c0) / 1e9);
            best[0] = Math.max(best[0], aWall);
            best[1] = Math.max(best[1], aCpu);
            best[2] = Math.max(best[2], bWall);
            best[3] = Math.max(best[3], bCpu);
            System.out.printf(Locale.ROOT, "round %d: decode+resize224+normalise ImageIO %.1f images/s wall, %.1f CPU; OpenCV %.1f wall, %.1f CPU; "
                    + "OpenCV bytes %.1f wall, %.1f CPU; augment %.1f wall, %.1f CPU (%d floats)%n", round, aWall, aCpu, fast[0], fast[1],
                    bytes[0], bytes[1], bWall, bCpu, batch.length + batch2.length);
        }
        System.out.printf(Locale.ROOT, "aiaas, 1 thread, %d images a round: decode+resize224+normalise best: ImageIO %.1f images/s wall, %.1f per CPU-second; "
                + "OpenCV %.1f wall, %.1f per CPU-second; OpenCV bytes (readHwc + resize of the bytes) %.1f wall, %.1f per CPU-second; "
                + "augment best %.1f images/s wall, %.1f per CPU-second%n",
                n, best[0], best[1], best[4], best[5], best[6], best[7], best[2], best[3]);
    }

    /** The same through the fast path: the decoder's bytes resized directly (ImageFiles.readHwc, ImageOps.resize(HwcBytes, ...)). */
    private static double[] decodeResizeBytes(List<Path> files, int n, Decoder decoder, ThreadMXBean tb) throws java.io.IOException {
        Transform normalise = Transforms.normalize(Transforms.IMAGENET_MEAN, Transforms.IMAGENET_STD);
        long w0 = System.nanoTime();
        long c0 = tb.getCurrentThreadCpuTime();
        List<Image> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Image small = ImageOps.resize(ImageFiles.readHwc(files.get(i % files.size()), ImageLimits.defaults(), decoder), 224, 224,
                    Interpolation.BILINEAR_ANTIALIAS);
            out.add(normalise.apply(small, i));
        }
        float[] batch = ImageTensors.nchw(out);
        if (batch.length == 0) {
            throw new IllegalStateException();
        }
        return new double[] {n / ((System.nanoTime() - w0) / 1e9), n / ((tb.getCurrentThreadCpuTime() - c0) / 1e9)};
    }

    /** Decode + resize + normalise of {@code n} files into one NCHW batch: images per second, wall and CPU. */
    private static double[] decodeResize(List<Path> files, int n, Transform t, Decoder decoder, ThreadMXBean tb) throws java.io.IOException {
        long w0 = System.nanoTime();
        long c0 = tb.getCurrentThreadCpuTime();
        List<Image> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(t.apply(ImageFiles.read(files.get(i % files.size()), ImageLimits.defaults(), decoder), i));
        }
        float[] batch = ImageTensors.nchw(out);
        if (batch.length == 0) {
            throw new IllegalStateException();
        }
        return new double[] {n / ((System.nanoTime() - w0) / 1e9), n / ((tb.getCurrentThreadCpuTime() - c0) / 1e9)};
    }
}
