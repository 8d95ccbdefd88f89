package dev.aiaas.vision.nn;

import dev.aiaas.core.nn.Workspace;
import dev.aiaas.core.math.Buf;
import dev.aiaas.core.nn.Layer;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The computation of {@link MaxPool2d} and {@link AvgPool2d}: each output run of B values (one
 * channel, one output position, the whole batch) is the maximum or the mean of the runs under its
 * window, on heap copies of the batch.
 *
 * <p>A max pool's inference pass is a branch-free maximum loop (one the JIT vectorises). Its
 * training pass also records, per output value, which window element holds the maximum (PyTorch's
 * rule: the first on ties, the first NaN), and the backward pass routes each gradient to that
 * element. When an inference pass came between, the backward pass finds each window's maximum
 * again by comparing the x and y it is given, scanning the window in PyTorch's order.
 */
final class Pooling implements Layer.Instance {
    private final boolean max;
    private final int channels;
    private final Axis ah;
    private final Axis aw;
    private final long[] inShape;
    private final long[] outShape;
    private final Workspace buffers;
    private final Heap xs;
    private final Heap ys;
    private final Heap dx;
    private final Heap dys;
    /** Per output value, the window element u·kW + v that holds its maximum (a max pool's training pass). */
    private final Heap taps;
    /** The gradient of a run not yet handed to a maximum (the backward pass of a max). */
    private final Heap rem;
    /** The batch whose x and y {@link #xs} and {@link #ys} hold from a training forward pass, or -1. */
    private int trainedBatch = -1;
    /** Per lane of a run, whether the window's maximum was found yet (the backward pass of a max). */
    private boolean[] taken = new boolean[0];

    Pooling(boolean max, int channels, Axis ah, Axis aw, DataType dataType) {
        this.max = max;
        this.channels = channels;
        this.ah = ah;
        this.aw = aw;
        this.inShape = new long[] {channels, ah.in(), aw.in()};
        this.outShape = new long[] {channels, ah.out(), aw.out()};
        this.buffers = new Workspace(dataType);
        this.xs = Heap.of(dataType);
        this.ys = Heap.of(dataType);
        this.dx = Heap.of(dataType);
        this.dys = Heap.of(dataType);
        this.rem = Heap.of(dataType);
        this.taps = Heap.of(dataType);
    }

    @Override
    public void bind(INDArray params, INDArray grads) {
    }

    @Override
    public void initialise(SplittableRandom random) {
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        int batch = Math.toIntExact(x.size(0));
        int n = Images.batchValues(batch, inShape[0] * inShape[1] * inShape[2], max ? MaxPool2d.TYPE : AvgPool2d.TYPE);
        int outN = batch * channels * ah.out() * aw.out();
        xs.ensure(n).read(Buf.of(x), 0, 0, n);
        ys.ensure(outN);
        if (max && training) {
            forwardTaps(batch, outN);
            trainedBatch = batch;
            INDArray y = buffers.batch("y", batch, outShape);
            ys.write(Buf.of(y), 0, 0, outN);
            return y;
        }
        double scale = 1.0 / (ah.kernel() * aw.kernel());
        for (int ow = 0; ow < aw.out(); ow++) {
            for (int oh = 0; oh < ah.out(); oh++) {
                for (int c = 0; c < channels; c++) {
                    int o = batch * (c + channels * (oh + ah.out() * ow));
                    ys.fill(o, batch, max ? Double.NEGATIVE_INFINITY : 0.0);
                    for (int i = 0; i < ah.kernel(); i++) { // the window row by row, as PyTorch scans it (ties: the first wins)
                        int ih = ah.at(oh, i);
                        if (ih < 0 || ih >= ah.in()) {
                            continue;
                        }
                        for (int j = 0; j < aw.kernel(); j++) {
                            int iw = aw.at(ow, j);
                            if (iw < 0 || iw >= aw.in()) {
                                continue;
                            }
                            int src = batch * (c + channels * (ih + ah.in() * iw));
                            if (max) { // a loop the JIT vectorises
                                xs.maxInto(src, ys, o, batch);
                            } else {
                                xs.addTo(src, ys, o, batch);
                            }
                        }
                    }
                    if (!max) {
                        ys.scale(o, batch, scale);
                    }
                }
            }
        }
        trainedBatch = training ? batch : -1;
        INDArray y = buffers.batch("y", batch, outShape);
        ys.write(Buf.of(y), 0, 0, outN);
        return y;
    }

    /**
     * A max pool's training forward pass: the maxima into {@link #ys} and, per output value, the
     * index u·kW + v of its window element that holds the maximum into {@link #taps} (the first
     * in the scan order on ties, the first NaN when there is one: the element PyTorch's backward
     * pass gives the gradient).
     */
    private void forwardTaps(int batch, int outN) {
        taps.ensure(outN);
        for (int ow = 0; ow < aw.out(); ow++) {
            for (int oh = 0; oh < ah.out(); oh++) {
                for (int c = 0; c < channels; c++) {
                    int o = batch * (c + channels * (oh + ah.out() * ow));
                    boolean first = true;
                    for (int i = 0; i < ah.kernel(); i++) { // the window row by row, as PyTorch scans it
                        int ih = ah.at(oh, i);
                        if (ih < 0 || ih >= ah.in()) {
                            continue;
                        }
                        for (int j = 0; j < aw.kernel(); j++) {
                            int iw = aw.at(ow, j);
                            if (iw < 0 || iw >= aw.in()) {
                                continue;
                            }
                            int src = batch * (c + channels * (ih + ah.in() * iw));
                            int t = i * aw.kernel() + j;
                            if (first) { // every window holds an input (the padding is at most half the window)
                                xs.copy(src, ys, o, batch);
                                taps.fill(o, batch, t);
                                first = false;
                            } else {
                                xs.maxTap(src, ys, taps, o, batch, t);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * A max pool's backward pass from the taps the training forward pass recorded: each ∂L/∂y
     * value goes to the window element of its tap. When the windows tile the input exactly
     * (stride = window, no padding, the sizes multiples of the window), each ∂L/∂x value is
     * written once, with no zeroing first.
     */
    private void backwardTaps(int batch, int n) {
        boolean tiles = ah.stride() == ah.kernel() && aw.stride() == aw.kernel() && ah.out() * ah.kernel() == ah.in()
                && aw.out() * aw.kernel() == aw.in() && ah.at(0, 0) == 0 && aw.at(0, 0) == 0;
        if (!tiles) {
            dx.fill(0, n, 0.0);
        }
        for (int ow = 0; ow < aw.out(); ow++) {
            for (int oh = 0; oh < ah.out(); oh++) {
                for (int c = 0; c < channels; c++) {
                    int o = batch * (c + channels * (oh + ah.out() * ow));
                    for (int i = 0; i < ah.kernel(); i++) {
                        int ih = ah.at(oh, i);
                        if (ih < 0 || ih >= ah.in()) {
                            continue;
                        }
                        for (int j = 0; j < aw.kernel(); j++) {
                            int iw = aw.at(ow, j);
                            if (iw >= 0 && iw < aw.in()) {
                                dys.tapBackward(o, taps, i * aw.kernel() + j, dx, batch * (c + channels * (ih + ah.in() * iw)), batch, !tiles);
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
        if (!needInput) {
            return null;
        }
        int batch = Math.toIntExact(x.size(0));
        int n = batch * channels * ah.in() * aw.in();
        int outN = batch * channels * ah.out() * aw.out();
        dx.ensure(n);
        dys.ensure(outN).read(Buf.of(dy), 0, 0, outN);
        if (max && trainedBatch == batch) {
            backwardTaps(batch, n);
            INDArray dxa = buffers.batch("dx", batch, inShape);
            dx.write(Buf.of(dxa), 0, 0, n);
            return dxa;
        }
        dx.fill(0, n, 0.0);
        if (max) {
            if (trainedBatch != batch) { // an inference pass came between: take x and y as given
                xs.ensure(n).read(Buf.of(x), 0, 0, n);
                ys.ensure(outN).read(Buf.of(y), 0, 0, outN);
            }
            if (taken.length < batch) {
                taken = new boolean[batch];
            }
            rem.ensure(batch);
            for (int ow = 0; ow < aw.out(); ow++) {
                for (int oh = 0; oh < ah.out(); oh++) {
                    for (int c = 0; c < channels; c++) {
                        int o = batch * (c + channels * (oh + ah.out() * ow));
                        // finite maxima and gradients (the rule): the branch-free loop; else the exact scan
                        boolean fast = ys.finite(o, batch) && dys.finite(o, batch);
                        if (fast) {
                            dys.copy(o, rem, 0, batch);
                        } else {
                            java.util.Arrays.fill(taken, 0, batch, false);
                        }
                        for (int i = 0; i < ah.kernel(); i++) { // the forward pass's scan order
                            int ih = ah.at(oh, i);
                            if (ih < 0 || ih >= ah.in()) {
                                continue;
                            }
                            for (int j = 0; j < aw.kernel(); j++) {
                                int iw = aw.at(ow, j);
                                if (iw < 0 || iw >= aw.in()) {
                                    continue;
                                }
                                int src = batch * (c + channels * (ih + ah.in() * iw));
                                if (fast) {
                                    xs.maxBackwardFinite(src, ys, o, rem, dx, batch);
                                } else {
                                    xs.maxBackward(src, ys, dys, o, dx, taken, batch);
                                }
                            }
                        }
                    }
                }
            }
        } else {
            double scale = 1.0 / (ah.kernel() * aw.kernel());
            for (int ow = 0; ow < aw.out(); ow++) {
                for (int oh = 0; oh < ah.out(); oh++) {
                    for (int c = 0; c < channels; c++) {
                        int o = batch * (c + channels * (oh + ah.out() * ow));
                        for (int i = 0; i < ah.kernel(); i++) {
                            int ih = ah.at(oh, i);
                            if (ih < 0 || ih >= ah.in()) {
                                continue;
                            }
                            for (int j = 0; j < aw.kernel(); j++) {
                                int iw = aw.at(ow, j);
                                if (iw >= 0 && iw < aw.in()) {
                                    dys.addScaledTo(o, dx, batch * (c + channels * (ih + ah.in() * iw)), batch, scale);
                                }
                            }
                        }
                    }
                }
            }
        }
        INDArray dxa = buffers.batch("dx", batch, inShape);
        dx.write(Buf.of(dxa), 0, 0, n);
        return dxa;
    }

    @Override
    public void close() {
        buffers.close();
    }
}
