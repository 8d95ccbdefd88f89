package dev.aiaas.vision.transform;

import dev.aiaas.vision.image.Image;
import dev.aiaas.vision.image.ImageFiles;
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
 * The peer is {@code tools/image_pipeline_speed.py} (torchvision 0.14).
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
        ThreadMXBean tb = ManagementFactory.getThreadMXBean();
        int n = files.size() * repeat;
        double[] best = new double[4];
        for (int round = 0; round < rounds; round++) {
            long w0 = System.nanoTime();
            long c0 = tb.getCurrentThreadCpuTime();
            List<Image> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(resizeNormalise.apply(ImageFiles.read(files.get(i % files.size())), i));
            }
            float[] batch = ImageTensors.nchw(out);
            double aWall = n / ((System.nanoTime() - w0) / 1e9);
            double aCpu = n / ((tb.getCurrentThreadCpuTime() - c0) / 1e9);
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
            System.out.printf(Locale.ROOT, "round %d: decode+resize224+normalise %.1f images/s wall, %.1f CPU; augment %.1f wall, %.1f CPU (%d floats)%n",
                    round, aWall, aCpu, bWall, bCpu, batch.length + batch2.length);
        }
        System.out.printf(Locale.ROOT, "aiaas, 1 thread, %d images a round: decode+resize224+normalise best %.1f images/s wall, %.1f per CPU-second; "
                + "augment best %.1f images/s wall, %.1f per CPU-second%n", n, best[0], best[1], best[2], best[3]);
    }
}
