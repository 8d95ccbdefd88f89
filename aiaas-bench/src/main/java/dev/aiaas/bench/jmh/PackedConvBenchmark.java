package dev.aiaas.bench.jmh;

import dev.aiaas.core.kernel.DenseKernel;
import dev.aiaas.core.kernel.DenseKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The packed path's three convolution kernels on one image (the predictor's inference at batch
 * 1, per layer), float32, a 3×3 convolution with same padding and stride 1 on a channels-last
 * input {@code [H, W, C]}, F filters, ReLU fused:
 * <ul>
 *   <li>{@code padded}: the input copied into a zero-padded image, then
 *       {@link DenseKernel#convolveTiles} over tiles of an output row (a kernel row's C·3 values
 *       one run), the predictor's default;</li>
 *   <li>{@code direct}: {@link DenseKernel#convolve} through a tap table (−1 for padding), no
 *       copy;</li>
 *   <li>{@code patches}: the patches gathered into a patch matrix (rows
 *       {@link DenseKernel#ROW_STRIDE} apart, blocks of 112), then {@link DenseKernel#forward}, the
 *       path before.</li>
 * </ul>
 * {@code shape} = C x H x W x F: the cnn's four convolutions and the small ResNet's 16-filter
 * stage. FLOPs 2·H·W·F·9C. Needs the 512-bit Vector API kernel ({@code --add-modules
 * jdk.incubator.vector} on an AVX-512 CPU); the rows of the plan (tiles cut by least cost) may
 * differ a little from these (whole tiles, then 4, 2, 1).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class PackedConvBenchmark {

    /** C x H x W x F. */
    @Param({"1x28x28x32", "32x28x28x32", "32x14x14x64", "64x14x14x64", "16x32x32x16"})
    public String shape;

    private DenseKernel kernel;
    private int c;
    private int h;
    private int w;
    private int ld;
    private float[] x;
    private float[] y;
    private float[] bias;
    // padded
    private float[] pad;
    private int wp;
    private int[] bases;
    private int[] tapOff;
    private int[] tiles;
    private float[] wRows;
    // direct
    private float[] xz;
    private int[] src;
    // patches
    private float[] patches;
    private float[] wPacked;

    /** The kernel, x (uniform in [0, 1)), W (uniform in [-0.1, 0.1)) in each kernel's layout, and the tables. */
    @Setup(Level.Trial)
    public void setup() {
        kernel = DenseKernels.of(512).filter(DenseKernel::convolves)
                .orElseThrow(() -> new IllegalStateException("needs the 512-bit Vector API kernel: " + DenseKernels.UNAVAILABLE));
        String[] p = shape.split("x");
        c = Integer.parseInt(p[0]);
        h = Integer.parseInt(p[1]);
        w = Integer.parseInt(p[2]);
        int f = Integer.parseInt(p[3]);
        ld = DenseKernels.padded(f, kernel.lanes());
        SplittableRandom r = new SplittableRandom(1);
        x = new float[h * w * c];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        int k = 9 * c;
        float[] wCol = new float[k * f]; // [K, F] column-major, K in (ky, kx, c) order
        for (int i = 0; i < wCol.length; i++) {
            wCol[i] = (float) r.nextDouble(-0.1, 0.1);
        }
        wRows = new float[k * ld];
        for (int u = 0; u < f; u++) {
            for (int j = 0; j < k; j++) {
                wRows[j * ld + u] = wCol[u * k + j];
            }
        }
        wPacked = DenseKernels.pack(wCol, k, f, kernel.panel(), kernel.lanes());
        bias = new float[ld];
        y = new float[h * w * ld];
        // padded: (H + 2) x (W + 2) pixels, a kernel row one run of 3C values
        wp = w + 2;
        pad = new float[(h + 2) * wp * c];
        bases = new int[h * w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                bases[i * w + j] = (i * wp + j) * c;
            }
        }
        tapOff = new int[] {0, wp * c, 2 * wp * c};
        int tile = ld == 64 ? 6 : 8;
        List<Integer> t = new ArrayList<>();
        for (int i = 0; i < h; i++) {
            int q = i * w;
            for (int size : new int[] {tile, 4, 2, 1}) {
                for (; q + size <= (i + 1) * w; q += size) {
                    t.add(q << 5 | size);
                }
            }
        }
        tiles = t.stream().mapToInt(Integer::intValue).toArray();
        // direct: 9 taps of C values, -1 outside, the zeros after x
        xz = java.util.Arrays.copyOf(x, x.length + c);
        src = new int[h * w * 9];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                for (int ky = 0; ky < 3; ky++) {
                    for (int kx = 0; kx < 3; kx++) {
                        int yy = i + ky - 1;
                        int xx = j + kx - 1;
                        src[(i * w + j) * 9 + ky * 3 + kx] = yy < 0 || yy >= h || xx < 0 || xx >= w ? -1 : (yy * w + xx) * c;
                    }
                }
            }
        }
        patches = new float[112 * DenseKernel.ROW_STRIDE];
    }

    /**
     * The padded copy and {@link DenseKernel#convolveTiles}.
     *
     * @return y, so that the work is not dropped
     */
    @Benchmark
    public float[] padded() {
        for (int i = 0; i < h; i++) {
            System.arraycopy(x, i * w * c, pad, ((i + 1) * wp + 1) * c, w * c);
        }
        kernel.convolveTiles(pad, bases, tapOff, 3, 3 * c, tiles, c, wRows, bias, ld, true, y, 0, null, 0);
        return y;
    }

    /**
     * {@link DenseKernel#convolve} through the tap table.
     *
     * @return y
     */
    @Benchmark
    public float[] direct() {
        kernel.convolve(xz, 0, x.length, src, 9, c, h * w, wRows, bias, ld, true, y, 0);
        return y;
    }

    /**
     * The patch matrix by blocks of 112 positions, and {@link DenseKernel#forward}.
     *
     * @return y
     */
    @Benchmark
    public float[] patches() {
        int positions = h * w;
        int k = 9 * c;
        for (int p0 = 0; p0 < positions; p0 += 112) {
            int p1 = Math.min(positions, p0 + 112);
            for (int p = p0; p < p1; p++) {
                int row = (p - p0) * DenseKernel.ROW_STRIDE;
                for (int tap = 0; tap < 9; tap++) {
                    int s = src[p * 9 + tap];
                    if (s < 0) {
                        java.util.Arrays.fill(patches, row + tap * c, row + (tap + 1) * c, 0f);
                    } else {
                        System.arraycopy(x, s, patches, row + tap * c, c);
                    }
                }
            }
            kernel.forward(patches, 0, DenseKernel.ROW_STRIDE, p1 - p0, k, wPacked, bias, ld, true, y, p0 * ld, ld);
        }
        return y;
    }
}
