package dev.aiaas.core.nn;

import dev.aiaas.core.backend.NativeMemory;
import dev.aiaas.core.math.Buf;
import dev.aiaas.core.kernel.DenseKernel;
import dev.aiaas.core.kernel.DenseKernels;
import dev.aiaas.core.kernel.Parallel;
import dev.aiaas.core.nn.PackedPlan.ActStep;
import dev.aiaas.core.nn.PackedPlan.AddStep;
import dev.aiaas.core.nn.PackedPlan.DenseStep;
import dev.aiaas.core.nn.PackedPlan.DirectStep;
import dev.aiaas.core.nn.PackedPlan.PaddedStep;
import dev.aiaas.core.nn.PackedPlan.GatherStep;
import dev.aiaas.core.nn.PackedPlan.LoadStep;
import dev.aiaas.core.nn.PackedPlan.PatchStep;
import dev.aiaas.core.nn.PackedPlan.WindowStep;
import dev.aiaas.core.nn.PackedPlan.NormStep;
import dev.aiaas.core.nn.PackedPlan.SaveStep;
import dev.aiaas.core.nn.PackedPlan.ScaleStep;
import dev.aiaas.core.nn.PackedPlan.SoftmaxStep;
import dev.aiaas.core.nn.PackedPlan.Step;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@link Predictor}'s packed path: runs a {@link PackedPlan}'s steps with the Vector API
 * kernels of a {@link DenseKernel}. A batch is cut into chunks of {@value #CHUNK} rows, each
 * taken through every step while it is in cache, the chunks shared between the calling thread
 * and up to {@link Parallel#threads()} {@code - 1} workers ({@link Parallel}); a batch of one
 * chunk shares its first dense step's column panels instead. The plan (packed weights) is
 * read-only and shared by every call; what a call writes is its {@link Scratch}, lent to it alone
 * by a {@link ScratchPool}: per lane (0: the caller, 1..: the workers) heap buffers for a copy of
 * x's rows, two activation buffers a dense step writes between, the output staging and one
 * saved-rows buffer per residual nesting level. So calls from several threads run side by side,
 * each on its own scratch, each with the pool's workers it finds idle. Every row's (and every
 * panel's) outputs are computed by one thread in the same order whatever the thread count, so
 * the outputs do not depend on it. No native call but the copy of x in and y out, and nothing
 * allocated per call by {@link #predict(INDArray, INDArray)} or the {@code float[]} call.
 */
final class PackedExecutor implements PredictorExecutor {
    /** Rows per chunk of a batch: the unit of work the threads share (one chunk per lane at least). */
    static final int CHUNK = 16;
    /** How long the workers stay awake after a prediction for the next one (see {@link Parallel#run(int, int, Parallel.Task, long, Runnable)}). */
    private static final long SPIN_NANOS = 200_000;
    /**
     * A batch of one chunk shares its first layer's panels between the threads when that layer
     * has at least this many weights: a batch-1 call of the MLP 784-256-10 took 12.6 to 15.1 us
     * minimum on one thread and 9.1 to 10.1 shared ({@code InferenceLatency 1}, README). Each
     * further thread takes another {@link #LANE_WEIGHTS}.
     */
    static final int SPLIT_WEIGHTS = 64 * 1024;
    /** The weights per lane of a shared first layer of a one-chunk batch: half of {@link #SPLIT_WEIGHTS}. */
    static final int LANE_WEIGHTS = SPLIT_WEIGHTS / 2;
    /**
     * The most output values (256 KB) that {@link #predict(INDArray)} stages on the heap and
     * returns in an array made by the worker; a larger output is computed straight into a new
     * array.
     */
    static final int STAGED = 64 * 1024;

    private final long[] outputShape;
    private final int inSize;
    private final int outSize;
    private final DataType dataType;
    private final String name;

    private final DenseKernel kernel;
    private final Step[] steps;
    /** Whether the first step works in place, so that a caller's float[] x is copied first. */
    private final boolean copyInput;
    /**
     * The row stride of the lane buffers' copy of x: {@link DenseKernel#ROW_STRIDE} when every
     * width in the model fits (the kernels read rows that far apart fastest), else the input's
     * width (and each dense step's padded width for its output).
     */
    private final int xld;
    /** The threads a call may use ({@link Parallel#threads()} when made): the lanes of each scratch. */
    private final int threads;
    /** The plan's sizes for a scratch's buffers. */
    private final int depths;
    private final int savedCols;
    private final int maxLd;
    private final int patchValues;
    /** The zeros at the end of each lane buffer, for a {@link DirectStep}'s padding taps ({@link PackedPlan#zeroTail}). */
    private final int zeroTail;
    /** The padded buffers' sizes of the {@link PaddedStep}s ({@link PackedPlan#paddedSizes}). */
    private final int[] paddedSizes;
    /** The calls' scratches, lent to one call at a time. */
    private final ScratchPool<Scratch> pool;

    /**
     * @param model      the model planned (for its shapes and data type)
     * @param plan       its plan, {@link PackedPlan#why()} null
     * @param kernel     the kernel it was planned for
     * @param maxCalls   the most calls computing at once (scratches made)
     */
    PackedExecutor(Model model, PackedPlan plan, DenseKernel kernel, int maxCalls) {
        this.outputShape = model.outputShape();
        this.inSize = Math.toIntExact(Predictor.product(model.inputShape()));
        this.outSize = Math.toIntExact(Predictor.product(outputShape));
        this.dataType = model.dataType();
        this.kernel = kernel;
        this.steps = plan.steps;
        this.copyInput = plan.copyInput;
        this.xld = plan.xld;
        this.threads = Parallel.threads();
        this.depths = plan.depths;
        this.savedCols = plan.savedCols;
        this.maxLd = plan.maxLd;
        this.patchValues = plan.patchValues;
        this.zeroTail = plan.zeroTail;
        this.paddedSizes = plan.paddedSizes;
        this.name = "packed, " + kernel.describe() + ", " + (threads > 1 ? threads + " threads" : "1 thread");
        this.pool = new ScratchPool<>(maxCalls, Scratch::new, () -> { }, Predictor.CLOSED);
        pool.give(pool.take()); // the first call's scratch, made now
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public INDArray predict(INDArray x) {
        checkInput(x);
        Scratch s = pool.take();
        try {
            return s.predict(x);
        } finally {
            pool.give(s);
        }
    }

    @Override
    public INDArray predict(INDArray x, INDArray out) {
        checkInput(x);
        Model.checkOutput(x.size(0), outputShape, dataType, out);
        boolean outRows = out.ordering() == 'c' || out.rows() == 1 || out.columns() == 1;
        Scratch s = pool.take();
        try {
            s.run(x, Buf.of(out), outRows, null, null);
        } finally {
            pool.give(s);
        }
        return out;
    }

    @Override
    public void predict(float[] x, int batch, float[] out) {
        Scratch s = pool.take();
        try {
            s.run(batch, null, x, null, true, out, null);
        } finally {
            pool.give(s);
        }
    }

    private void checkInput(INDArray x) {
        if (x.rank() != 2 || x.size(1) != inSize) {
            throw new IllegalArgumentException("expected input of shape [batch, " + inSize + "], got " + Arrays.toString(x.shape())
                    + "; pass " + inSize + " features per example");
        }
        if (!x.dataType().isFPType()) {
            throw new IllegalArgumentException("expected floating-point input, got " + x.dataType() + "; cast it with x.castTo(DataType.FLOAT)");
        }
    }

    /** A new 'c'-order {@code [rows, outputs]} array of the model's type, for {@link #predict(INDArray)} to return. */
    private INDArray newOutput(int rows) {
        return Nd4j.create(dataType, new long[] {rows, outSize}, 'c');
    }

    /** The most calls computing at once (and scratches made), for {@link Predictor#maxConcurrentCalls()}. */
    @Override
    public int maxCalls() {
        return pool.max();
    }

    /** The scratches alive, for tests. */
    int scratches() {
        return pool.alive();
    }

    /** Refuses later calls and frees each scratch's spare output arrays, now or when its call ends. */
    @Override
    public void close() {
        pool.close();
    }

    /**
     * One call's working state, used by one call at a time (its thread and the workers): per lane
     * (0: the caller, 1..: the workers) a copy of x's rows, two activation buffers a dense step
     * writes between, the output staging and one saved-rows buffer per residual nesting level;
     * the spare output arrays of {@link #predict(INDArray)}; and the call in progress.
     */
    private final class Scratch implements AutoCloseable {
        /** Per lane (0: the caller, 1..: the workers): x rows, two activation buffers, the output staging. */
        private final float[][] xs;
        private final float[][] ping;
        private final float[][] pong;
        private final float[][] staged;
        /** Per lane: a patch step's patch matrix for one row (empty without patch steps). */
        private final float[][] patches;
        /** Per lane and {@link PaddedStep}: its padded input, zeros where nothing is copied. */
        private final float[][][] padded;
        /** Per lane and residual nesting level: a block's input, kept for the add at its end. */
        private final float[][][] saved;
        private final Parallel.Task chunkTask = this::chunk;
        private final Parallel.Task panelTask = this::panel;
        /**
         * Arrays of {@link #spareRows} rows for {@link #predict(INDArray)} to return, made by the
         * worker thread ({@link #makeSpare}); each slot holds one or null. Two, so that one is ready
         * while the worker makes the other.
         */
        private final AtomicReferenceArray<INDArray> spares = new AtomicReferenceArray<>(2);
        /** The batch size of the last {@link #predict(INDArray)}: the spare's rows. */
        private volatile int spareRows;
        /** Set by {@link #close()}: the worker makes no more spares. */
        private volatile boolean closed;
        /** {@link #predict(INDArray)}'s outputs before they go into the array it returns (grown to the largest batch, up to {@link #STAGED} values). */
        private float[] staging = new float[0];
        private final Runnable makeSpare = this::makeSpare;

        /** The call in progress, read by both lanes (written before the job is handed over). */
        private int rows;
        private Buf xIn;
        private float[] xHeap;
        private Buf yOut;
        private boolean outRowMajor;
        private float[] yHeap;
        /** A one-chunk batch's input and its row stride, for {@link #panel}. */
        private float[] smallX;
        private int smallLd;

        Scratch() {
            int lanes = threads;
            // each with zeroTail zeros at its end, which no step writes (a direct step's padding reads them)
            saved = new float[lanes][depths][CHUNK * savedCols + zeroTail];
            xs = new float[lanes][CHUNK * xld + zeroTail];
            ping = new float[lanes][CHUNK * maxLd + zeroTail];
            pong = new float[lanes][CHUNK * maxLd + zeroTail];
            staged = new float[lanes][CHUNK * outSize];
            patches = new float[lanes][patchValues];
            padded = new float[lanes][paddedSizes.length][];
            for (float[][] lane : padded) {
                for (int i = 0; i < paddedSizes.length; i++) {
                    lane[i] = new float[paddedSizes[i]];
                }
            }
        }

        INDArray predict(INDArray x) {
            int batch = Math.toIntExact(x.size(0));
            long n = (long) batch * outSize;
            if (n > STAGED) { // the allocation is small beside the work; nothing this big is kept
                NativeMemory.require("the outputs of a batch of " + batch + " [" + batch + ", " + outSize + "]",
                        NativeMemory.bytes("outputs [" + batch + ", " + outSize + "]", (long) batch * outSize, Float.BYTES));
                INDArray out = newOutput(batch);
                try {
                    run(x, Buf.of(out), true, null, null);
                } catch (RuntimeException | Error e) {
                    out.close();
                    throw e;
                }
                return out;
            }
            if (staging.length < n) {
                staging = new float[(int) n];
            }
            spareRows = batch;
            run(x, null, true, staging, makeSpare);
            // the array is taken only now, so that the worker had the whole call to make it
            INDArray out = null;
            for (int i = 0; i < spares.length() && out == null; i++) {
                out = spares.getAndSet(i, null);
                if (out != null && out.size(0) != batch) {
                    out.close();
                    out = null;
                }
            }
            if (out == null) {
                out = newOutput(batch);
            }
            Buf.of(out).write(0, staging, (int) n);
            return out;
        }

        /**
         * Makes an array for {@link #predict(INDArray)} to return, on the worker thread once it has
         * done its part of a call, while the caller finishes the call: the caller takes it at the
         * end (or the next call on this scratch does), so that it does not wait for ND4J's
         * allocation (a few microseconds; {@code InferenceLatency 1}, CHANGELOG); it makes its own
         * when none is ready or the batch size changed. Not run on one thread. At most two are
         * kept, and {@link #close()} frees them.
         */
        private void makeSpare() {
            for (int i = 0; i < spares.length(); i++) {
                if (closed) {
                    return;
                }
                if (spares.get(i) != null) {
                    continue;
                }
                INDArray a;
                try {
                    a = newOutput(spareRows);
                } catch (RuntimeException e) { // out of memory, say: the caller allocates itself and meets it
                    return;
                }
                if (!spares.compareAndSet(i, null, a)) {
                    a.close();
                } else if (closed) { // closed meanwhile: close() may have looked before the set
                    freeSpares();
                }
                return; // one per call
            }
        }

        private void freeSpares() {
            for (int i = 0; i < spares.length(); i++) {
                INDArray t = spares.getAndSet(i, null);
                if (t != null) {
                    t.close();
                }
            }
        }

        /**
         * The packed path on an ND4J x (checked), into {@code yOut} or {@code yHeap}: float32 'c'
         * order is read in place, any other copied once.
         */
        void run(INDArray x, Buf yOut, boolean outRows, float[] yHeap, Runnable after) {
            INDArray cast = x.dataType() == DataType.FLOAT ? x : x.castTo(DataType.FLOAT);
            boolean rowMajor = Buf.contiguous(cast) && (cast.ordering() == 'c' || cast.rows() == 1);
            INDArray src = rowMajor ? cast : cast.dup('c');
            try {
                run(Math.toIntExact(x.size(0)), Buf.of(src), null, yOut, outRows, yHeap, after);
            } finally {
                if (src != x) {
                    src.close();
                }
                if (cast != x && cast != src) {
                    cast.close();
                }
            }
        }

        /**
         * Runs the packed layers over {@code batch} rows, from xIn or xHeap into yOut or yHeap; the
         * worker, when it took part, runs {@code after} (or null) once done.
         */
        void run(int batch, Buf xIn, float[] xHeap, Buf yOut, boolean outRowMajor, float[] yHeap, Runnable after) {
            this.rows = batch;
            this.xIn = xIn;
            this.xHeap = xHeap;
            this.yOut = yOut;
            this.outRowMajor = outRowMajor;
            this.yHeap = yHeap;
            try {
                int chunks = (batch + CHUNK - 1) / CHUNK;
                if (chunks == 1 && splitsPanels()) {
                    smallBatch(after);
                } else {
                    Parallel.run(threads, chunks, chunkTask, SPIN_NANOS, after);
                }
            } finally {
                this.xIn = null;
                this.xHeap = null;
                this.yOut = null;
                this.yHeap = null;
                this.smallX = null;
            }
        }

        /** Rows [c·CHUNK, c·CHUNK + n) through every layer, on lane {@code lane}'s buffers. */
        private void chunk(int c, int lane) {
            int r0 = c * CHUNK;
            int n = Math.min(CHUNK, rows - r0);
            if (readsInPlace(n)) {
                layers(r0, n, lane, xHeap, r0 * inSize, inSize, 0);
            } else {
                load(r0, n, xs[lane]);
                layers(r0, n, lane, xs[lane], 0, xld, 0);
            }
        }

        /**
         * Whether {@code n} rows of a caller's {@code float[]} x are read where they are: when no
         * step works on x in place and its rows already lie as the kernels read them ({@link #xld}
         * apart, or a single row); else {@link #load} copies them.
         */
        private boolean readsInPlace(int n) {
            return xHeap != null && !copyInput && (xld == inSize || n == 1);
        }

        /** Copies x's rows [r0, r0 + n) into {@code dst}, {@link #xld} apart. */
        private void load(int r0, int n, float[] dst) {
            if (xld == inSize) {
                if (xHeap != null) {
                    System.arraycopy(xHeap, r0 * inSize, dst, 0, n * inSize);
                } else {
                    xIn.read(r0 * inSize, dst, n * inSize);
                }
                return;
            }
            for (int r = 0; r < n; r++) {
                if (xHeap != null) {
                    System.arraycopy(xHeap, (r0 + r) * inSize, dst, r * xld, inSize);
                } else {
                    xIn.read((r0 + r) * inSize, dst, r * xld, inSize);
                }
            }
        }

        /** Whether a batch of one chunk shares its first layer's panels between the threads ({@link #smallBatch}). */
        private boolean splitsPanels() {
            return threads > 1 && steps.length > 0 && steps[0] instanceof DenseStep d && d.w().length >= SPLIT_WEIGHTS;
        }

        /**
         * A batch of at most one chunk (serving a request or a few): the first layer's panels are
         * shared among the threads (one per {@link #LANE_WEIGHTS} weights, at most {@link #threads}),
         * into lane 0's buffer; the later layers (small, in a classifier)
         * run on the calling thread.
         */
        private void smallBatch(Runnable after) {
            if (readsInPlace(rows)) {
                smallX = xHeap;
                smallLd = inSize;
            } else {
                load(0, rows, xs[0]);
                smallX = xs[0];
                smallLd = xld;
            }
            DenseStep s = (DenseStep) steps[0];
            int lanes = (int) Math.min(threads, Math.max(2, s.w().length / LANE_WEIGHTS));
            Parallel.run(lanes, DenseKernels.panels(s.units(), kernel.panel()), panelTask, SPIN_NANOS, after);
            layers(0, rows, 0, ping[0], 0, s.ld(), 1);
        }

        /** Panel p of the first layer for a one-chunk batch, into lane 0's first buffer. */
        private void panel(int p, int lane) {
            DenseStep s = (DenseStep) steps[0];
            kernel.forward(smallX, 0, smallLd, rows, s.in(), s.w(), s.bias(), s.units(), s.relu(), ping[0], 0, s.ld(), p, p + 1);
        }

        /**
         * Steps {@code first..} for rows [r0, r0 + n) on lane {@code lane}'s buffers, from
         * {@code cur} (rows of stride {@code ld}: the input, or step {@code first - 1}'s output in
         * that lane's buffer), then the last step's rows into the output. A dense step writes into
         * the lane's other buffer; the others work in place, on the lane's own copy of the input
         * when they come first ({@link #copyInput}). The steps are the plan's sealed records, told
         * apart by type tests in order of frequency (no virtual call per step).
         */
        private void layers(int r0, int n, int lane, float[] cur, int curOff, int ld, int first) {
            for (int i = first; i < steps.length; i++) {
                Step step = steps[i];
                if (step instanceof DenseStep s) {
                    float[] dst = cur == ping[lane] ? pong[lane] : ping[lane];
                    kernel.forward(cur, curOff, ld, n, s.in(), s.w(), s.bias(), s.units(), s.relu(), dst, 0, s.ld());
                    cur = dst;
                    curOff = 0;
                    ld = s.ld();
                } else if (step instanceof DirectStep s) {
                    float[] dst = cur == ping[lane] ? pong[lane] : ping[lane];
                    int zero = cur.length - zeroTail;
                    for (int r = 0; r < n; r++) {
                        kernel.convolve(cur, curOff + r * ld, zero, s.src(), s.taps(), s.run(), s.positions(), s.w(), s.bias(), s.unitLd(),
                                s.relu(), dst, r * s.ld());
                    }
                    cur = dst;
                    curOff = 0;
                    ld = s.ld();
                } else if (step instanceof PaddedStep s) {
                    float[] dst = cur == ping[lane] ? pong[lane] : ping[lane];
                    for (int r = 0; r < n; r++) {
                        padded(s, lane, cur, curOff + r * ld, r, dst, r * s.ld());
                    }
                    cur = dst;
                    curOff = 0;
                    ld = s.ld();
                } else if (step instanceof PatchStep s) {
                    float[] dst = cur == ping[lane] ? pong[lane] : ping[lane];
                    float[] pm = patches[lane];
                    int[] runs = s.runs();
                    int[] starts = s.starts();
                    int[] elements = s.elements();
                    for (int r = 0; r < n; r++) {
                        int x0 = curOff + r * ld;
                        for (int p0 = 0; p0 < s.positions(); p0 += s.block()) {
                            int p1 = Math.min(s.positions(), p0 + s.block());
                            if (elements != null) {
                                gatherElements(elements, p0, p1, s.k(), cur, x0, pm, s.patchLd());
                            } else {
                                for (int p = p0; p < p1; p++) {
                                    gather(runs, starts[p], starts[p + 1], cur, x0, pm, (p - p0) * s.patchLd());
                                }
                            }
                            kernel.forward(pm, 0, s.patchLd(), p1 - p0, s.k(), s.w(), s.bias(), s.units(), s.relu(), dst,
                                    r * s.ld() + p0 * s.unitLd(), s.unitLd());
                        }
                    }
                    cur = dst;
                    curOff = 0;
                    ld = s.ld();
                } else if (step instanceof WindowStep s) {
                    float[] dst = cur == ping[lane] ? pong[lane] : ping[lane];
                    for (int r = 0; r < n; r++) {
                        if (s.mean()) {
                            windowMean(s.window(), s.runs(), cur, curOff + r * ld, dst, r * s.ld());
                        } else {
                            kernel.windowMax(s.window(), s.runs(), cur, curOff + r * ld, dst, r * s.ld());
                        }
                    }
                    cur = dst;
                    curOff = 0;
                    ld = s.ld();
                } else if (step instanceof GatherStep s) {
                    float[] dst = cur == ping[lane] ? pong[lane] : ping[lane];
                    for (int r = 0; r < n; r++) {
                        gatherInto(s.runs(), cur, curOff + r * ld, dst, r * s.ld());
                    }
                    cur = dst;
                    curOff = 0;
                    ld = s.ld();
                } else if (step instanceof ActStep a) {
                    kernel.activate(a.fn(), a.alpha(), cur, curOff, n, a.cols(), ld);
                } else if (step instanceof SoftmaxStep sm) {
                    kernel.softmax(cur, curOff, n, sm.cols(), ld);
                } else if (step instanceof NormStep nm) {
                    kernel.layerNorm(cur, curOff, n, nm.cols(), ld, nm.gamma(), nm.beta(), nm.epsilon());
                } else if (step instanceof ScaleStep sc) {
                    kernel.scaleShift(cur, curOff, n, sc.cols(), ld, sc.scale(), sc.shift());
                } else if (step instanceof SaveStep sv) {
                    float[] keep = saved[lane][sv.depth()];
                    for (int r = 0; r < n; r++) {
                        System.arraycopy(cur, curOff + r * ld, keep, r * sv.cols(), sv.cols());
                    }
                } else if (step instanceof LoadStep lo) {
                    cur = saved[lane][lo.depth()];
                    curOff = 0;
                    ld = lo.cols();
                } else if (step instanceof AddStep ad) {
                    float[] keep = saved[lane][ad.depth()];
                    int cols = ad.cols();
                    for (int r = 0; r < n; r++) {
                        int o = curOff + r * ld;
                        int k = r * cols;
                        for (int j = 0; j < cols; j++) {
                            cur[o + j] += keep[k + j];
                        }
                    }
                }
            }
            if (yHeap != null) {
                for (int r = 0; r < n; r++) {
                    System.arraycopy(cur, curOff + r * ld, yHeap, (r0 + r) * outSize, outSize);
                }
            } else if (outRowMajor) {
                float[] st = staged[lane];
                for (int r = 0; r < n; r++) {
                    System.arraycopy(cur, curOff + r * ld, st, r * outSize, outSize);
                }
                yOut.write(r0 * outSize, st, n * outSize);
            } else { // 'f' order [B, out]: column j's rows are contiguous
                float[] st = staged[lane];
                for (int j = 0; j < outSize; j++) {
                    for (int r = 0; r < n; r++) {
                        st[j * n + r] = cur[curOff + r * ld + j];
                    }
                    yOut.write(j * rows + r0, st, j * n, n);
                }
            }
        }

        /**
         * One row of a padded step: its padded buffer filled (by the copy, a fused max pool, or
         * the fused convolution before it, run first), then its tiles into y at yOff, or with
         * {@link PaddedStep#rowTiles} into the next step's padded buffer (y) run by run.
         */
        private void padded(PaddedStep s, int lane, float[] cur, int x0, int r, float[] y, int yOff) {
            float[] pad = padded[lane][s.buffer()];
            if (s.before() != null) { // the convolution before writes straight into pad
                padded(s.before(), lane, cur, x0, r, pad, 0);
            } else if (s.pool() != null) { // a max pool fused: its maxima written straight into pad
                kernel.windowMax(s.window(), s.pool(), cur, x0, pad, 0);
            } else {
                int[] copy = s.copy();
                for (int j = 0; j < copy.length; j += 3) {
                    System.arraycopy(cur, x0 + copy[j], pad, copy[j + 1], copy[j + 2]);
                }
            }
            float[] add = s.addDepth() < 0 ? null : saved[lane][s.addDepth()]; // a residual block's add, fused
            int[][] rows = s.rowTiles();
            if (rows == null) {
                kernel.convolveTiles(pad, s.bases(), s.tapOff(), s.taps(), s.run(), s.tiles(), s.stride(), s.w(), s.bias(), s.unitLd(),
                        s.relu(), y, yOff, add, r * s.ld());
            } else {
                int[] off = s.rowOff();
                for (int i = 0; i < rows.length; i++) {
                    kernel.convolveTiles(pad, s.bases(), s.tapOff(), s.taps(), s.run(), rows[i], s.stride(), s.w(), s.bias(),
                            s.unitLd(), s.relu(), y, yOff + off[i], add, r * s.ld());
                }
            }
        }

        /** {@code y[yOff + dst + i] = x[xOff + src + i]} per run (src, dst, length), zeros where src is −1. */
        private static void gatherInto(int[] runs, float[] x, int xOff, float[] y, int yOff) {
            gather(runs, 0, runs.length, x, xOff, y, yOff);
        }

        /** As {@link #gatherInto} for the runs at {@code [from, to)} of {@code runs}. */
        private static void gather(int[] runs, int from, int to, float[] x, int xOff, float[] y, int yOff) {
            for (int i = from; i < to; i += 3) {
                int src = runs[i];
                int dst = yOff + runs[i + 1];
                int len = runs[i + 2];
                if (src < 0) {
                    Arrays.fill(y, dst, dst + len, 0f);
                } else if (len < 8) {
                    int s = xOff + src;
                    for (int j = 0; j < len; j++) {
                        y[dst + j] = x[s + j];
                    }
                } else {
                    System.arraycopy(x, xOff + src, y, dst, len);
                }
            }
        }

        /**
         * Patches {@code [p0, p1)} value by value: {@code y[(p − p0)·ldy + j] = x[xOff + index[p·k + j]]}
         * for j below k, 0 where the index is −1.
         */
        private static void gatherElements(int[] index, int p0, int p1, int k, float[] x, int xOff, float[] y, int ldy) {
            for (int p = p0; p < p1; p++) {
                int e = p * k;
                int d = (p - p0) * ldy;
                for (int j = 0; j < k; j++) {
                    int src = index[e + j];
                    y[d + j] = src < 0 ? 0f : x[xOff + src];
                }
            }
        }

        /** Average pooling of one row: per run (dst, length, the taps' sources), {@code y[dst + i] = Σ_t x[src_t + i] / window}. */
        private static void windowMean(int window, int[] runs, float[] x, int xOff, float[] y, int yOff) {
            float scale = 1f / window;
            int i = 0;
            while (i < runs.length) {
                int dst = yOff + runs[i];
                int len = runs[i + 1];
                Arrays.fill(y, dst, dst + len, 0f);
                for (int t = 0; t < window; t++) {
                    int src = runs[i + 2 + t];
                    if (src < 0) {
                        continue;
                    }
                    int s = xOff + src;
                    for (int j = 0; j < len; j++) {
                        y[dst + j] += x[s + j];
                    }
                }
                for (int j = 0; j < len; j++) {
                    y[dst + j] *= scale;
                }
                i += 2 + window;
            }
        }

        /** Frees the spare output arrays; the worker makes no more. */
        @Override
        public void close() {
            closed = true;
            freeSpares();
        }
    }
}
