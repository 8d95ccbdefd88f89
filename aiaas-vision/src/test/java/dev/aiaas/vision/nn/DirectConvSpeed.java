package dev.aiaas.vision.nn;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Layer;
import java.util.Locale;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: one convolution's passes on {@link DirectConv} (and on the layer's default instance),
 * thread CPU time (wall-clock time with {@code -Dwall=true}, for several threads), minimum of {@code reps}: forward, backward without ∂L/∂x (∂W only), backward with it.
 * {@code java -cp ... dev.aiaas.vision.nn.DirectConvSpeed B C H W F k stride pad [reps]}.
 */
public final class DirectConvSpeed {
    private DirectConvSpeed() {
    }

    public static void main(String[] a) {
        Backends.current();
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.function.LongSupplier clock = Boolean.getBoolean("wall") ? System::nanoTime : mx::getCurrentThreadCpuTime;
        int batch = Integer.parseInt(a[0]);
        int c = Integer.parseInt(a[1]);
        int h = Integer.parseInt(a[2]);
        int w = Integer.parseInt(a[3]);
        int f = Integer.parseInt(a[4]);
        int k = Integer.parseInt(a[5]);
        int s = Integer.parseInt(a[6]);
        int pad = Integer.parseInt(a[7]);
        int reps = a.length > 8 ? Integer.parseInt(a[8]) : 20;
        Conv2d conv = ConvLayers.conv2d(f, k).withStride(s).withPadding(Padding.of(pad)).withBias(false);
        long[] in = {c, h, w};
        long p = conv.parameterCount(in);
        INDArray params = Nd4j.rand(DataType.FLOAT, p);
        INDArray grads = Nd4j.create(DataType.FLOAT, p);
        INDArray x = Nd4j.rand(DataType.FLOAT, 'f', batch, c, h, w);
        for (String which : new String[] {"direct", "default"}) {
            Layer.Instance inst = which.equals("direct") ? conv.instantiateDirect(in, DataType.FLOAT) : conv.instantiate(in, DataType.FLOAT);
            inst.bind(params, grads);
            double[] best = {1e9, 1e9, 1e9};
            for (int r = -3; r < reps; r++) {
                long t0 = clock.getAsLong();
                INDArray y = inst.forward(x, true);
                long t1 = clock.getAsLong();
                INDArray dy = y.dup('f');
                long t2 = clock.getAsLong();
                inst.backward(x, y, dy, false);
                long t3 = clock.getAsLong();
                inst.forward(x, true);
                long t4 = clock.getAsLong();
                inst.backward(x, y, dy, true);
                long t5 = clock.getAsLong();
                dy.close();
                if (r >= 0) {
                    best[0] = Math.min(best[0], (t1 - t0) / 1e6);
                    best[1] = Math.min(best[1], (t3 - t2) / 1e6);
                    best[2] = Math.min(best[2], (t5 - t4) / 1e6);
                }
            }
            System.out.printf(Locale.ROOT, "%-7s %dx%dx%dx%d -> %d k%d s%d p%d: forward %.3f  backward (dW) %.3f  backward (dW, dx) %.3f ms%n",
                    which, batch, c, h, w, f, k, s, pad, best[0], best[1], best[2]);
            inst.close();
        }
    }
}
