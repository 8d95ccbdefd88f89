package dev.aiaas.core.nn;

import dev.aiaas.core.internal.Buf;
import dev.aiaas.core.internal.DenseKernel;
import dev.aiaas.core.internal.DenseKernels;
import dev.aiaas.core.internal.Parallel;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A frozen copy of a model for serving: y = f(x; θ) with θ as it was when the predictor was made
 * ({@link Model#predictor()}), training behaviour off. Later changes to the model (more
 * training, writes through {@link Model#parameters()}) do not reach it: make a new predictor
 * after them. The model may be closed while its predictors live on.
 *
 * <pre>{@code
 * try (Predictor p = model.predictor()) {
 *     float[] logits = p.predict(pixels);            // [B·784] row after row -> [B·10]
 *     INDArray y = p.predict(x);                      // [B, 784] -> [B, 10]
 * }
 * }</pre>
 *
 * <p>It computes one of two ways; {@link #kernel()} says which:
 * <ul>
 *   <li><b>packed</b>: when the model is float32 on flat features and made of {@link Dense},
 *       {@link ActivationLayer}, {@link Dropout}, {@link BatchNorm}, {@link LayerNorm} and
 *       {@link Residual} blocks of those (any activation, softmax included), and the JVM runs
 *       with {@code --add-modules jdk.incubator.vector} on a CPU with 512-bit vectors (AVX-512:
 *       48-column panels, 8x48 register blocks) or 256-bit ones (AVX2: 16-column panels, 6x16
 *       blocks). Each W is packed once into column panels on the heap, a batch normalisation
 *       that follows a dense layer without activation folded into its W and b; a batch is cut
 *       into chunks of {@value #CHUNK} rows, each taken through every layer by Vector API
 *       kernels (the bias and ReLU fused into the dense kernel's stores, other activations and
 *       normalisations in place on the chunk while it is in cache), the chunks shared between
 *       the calling thread and one worker (a batch of one chunk shares its first layer's column
 *       panels instead). When every width in the model is at most
 *       {@link DenseKernel#ROW_STRIDE}, a chunk's rows sit that many floats apart in its
 *       buffers, the stride the kernels read fastest. No native call but the copy of x in and y out, and nothing allocated
 *       per call by {@link #predict(INDArray, INDArray)} or {@link #predict(float[], float[])}.
 *       Sums run in another order than BLAS's, so results differ from
 *       {@link Model#predict(INDArray)} by float32 rounding ({@code PredictorTest} allows 1e-5
 *       of the largest output).
 *   <li><b>copy</b>: otherwise, a copy of the model (its own native θ) running its forward pass
 *       on ND4J and BLAS, exactly as {@link Model#predict(INDArray)} does.
 * </ul>
 *
 * <p>Not thread-safe: one predictor serves one thread at a time; a server with several request
 * threads makes one per thread. The packed form holds its copy of the weights on the heap (4 bytes
 * per weight, 0.8 MB for the MLP 784-256-10) and its chunk buffers (three of 16 rows per thread,
 * 0.4 MB on two threads at the fixed stride), and no native memory; {@link #close()} frees the
 * copy path's native θ.
 */
public final class Predictor implements AutoCloseable {
    /** Rows per chunk of a batch in the packed path: the unit of work the two threads share. */
    static final int CHUNK = 16;
    /** How long the worker stays awake after a prediction for the next one (see {@link Parallel#run(boolean, int, Parallel.Task, long)}). */
    private static final long SPIN_NANOS = 200_000;
    /**
     * A batch of one chunk shares its first layer's panels between the threads when that layer
     * has at least this many weights: a batch-1 call of the MLP 784-256-10 took 12.6 to 15.1 us
     * minimum on one thread and 9.1 to 10.1 shared ({@code InferenceLatency 1}, README).
     */
    static final int SPLIT_WEIGHTS = 64 * 1024;
    /**
     * The most output values (256 KB) that {@link #predict(INDArray)} stages on the heap and
     * returns in an array made by the worker; a larger output is computed straight into a new
     * array.
     */
    static final int STAGED = 64 * 1024;

    private final long[] inputShape;
    private final long[] outputShape;
    private final int inSize;
    private final int outSize;
    private final DataType dataType;
    private final String kernelName;
    private volatile boolean closed;

    /** The copy path: a model of its own, or null when packed. */
    private final Model copy;

    /** The packed path: null when copying. */
    private final DenseKernel kernel;
    private final Step[] steps;
    /** Whether the first step works in place, so that a caller's float[] x is copied first. */
    private final boolean copyInput;
    /**
     * The row stride of the lane buffers: {@link DenseKernel#ROW_STRIDE} when every width in the
     * model fits (the kernels read rows that far apart fastest), else the input's width (and each
     * dense step's padded width for its output).
     */
    private final int xld;
    private final boolean share;
    /** Per lane (0: the caller, 1: the worker): x rows, two activation buffers, the output staging. */
    private final float[][] xs;
    private final float[][] ping;
    private final float[][] pong;
    private final float[][] staged;
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

    /** One step of the packed path, on a chunk's row-major block of {@code cols} features per row. */
    private sealed interface Step permits DenseStep, ActStep, SoftmaxStep, NormStep, ScaleStep, SaveStep, AddStep {
    }

    /** A dense layer, its W packed, with ReLU or no activation fused: [n, in] (stride ld of the input) -> [n, units] (stride ld). */
    private record DenseStep(int in, int units, int ld, float[] w, float[] bias, boolean relu) implements Step {
    }

    /** An activation other than ReLU after a dense layer, or an activation layer, in place. */
    private record ActStep(DenseKernel.Fn fn, float alpha, int cols) implements Step {
    }

    /** Softmax over each row, in place. */
    private record SoftmaxStep(int cols) implements Step {
    }

    /** Layer normalisation of each row, in place. */
    private record NormStep(int cols, float[] gamma, float[] beta, float epsilon) implements Step {
    }

    /** Batch normalisation at inference that follows no dense layer without activation: y ⊙ scale + shift, in place. */
    private record ScaleStep(int cols, float[] scale, float[] shift) implements Step {
    }

    /** A residual block's start: the chunk's rows saved in buffer {@code depth} (nesting level) for {@link AddStep}. */
    private record SaveStep(int depth, int cols) implements Step {
    }

    /** A residual block's end: y = x + g(x), the rows saved by the matching {@link SaveStep} added in place. */
    private record AddStep(int depth, int cols) implements Step {
    }

    /** A dense layer before packing, W column-major [in, units] (θ's layout), so that a batch normalisation can fold into it. */
    private record RawDense(int in, int units, float[] w, float[] bias, boolean relu) {
    }

    private Predictor(Model model, DenseKernel kernel) {
        this.inputShape = model.inputShape();
        this.outputShape = model.outputShape();
        this.inSize = Math.toIntExact(product(inputShape));
        this.outSize = Math.toIntExact(product(outputShape));
        this.dataType = model.dataType();
        String why = kernel == null ? (DenseKernels.UNAVAILABLE != null ? DenseKernels.UNAVAILABLE : "no packed kernel was asked for")
                : unpackable(model);
        if (why == null) {
            this.kernel = kernel;
            this.copy = null;
            Step[] planned = plan(model, kernel);
            this.copyInput = planned.length == 0 || !(planned[0] instanceof DenseStep);
            int maxLd = inSize;
            int depths = 0;
            int savedCols = 0;
            for (Step st : planned) {
                if (st instanceof DenseStep d) {
                    maxLd = Math.max(maxLd, d.ld);
                } else if (st instanceof SaveStep sv) {
                    depths = Math.max(depths, sv.depth + 1);
                    savedCols = Math.max(savedCols, sv.cols);
                }
            }
            if (maxLd <= DenseKernel.ROW_STRIDE) { // every buffer's rows ROW_STRIDE apart
                maxLd = DenseKernel.ROW_STRIDE;
                for (int i = 0; i < planned.length; i++) {
                    if (planned[i] instanceof DenseStep d) {
                        planned[i] = new DenseStep(d.in, d.units, maxLd, d.w, d.bias, d.relu);
                    }
                }
            }
            this.steps = planned;
            this.xld = maxLd == DenseKernel.ROW_STRIDE ? maxLd : inSize;
            this.share = Parallel.twoThreads();
            int lanes = share ? 2 : 1;
            saved = new float[lanes][depths][CHUNK * savedCols];
            xs = new float[lanes][CHUNK * xld];
            ping = new float[lanes][CHUNK * maxLd];
            pong = new float[lanes][CHUNK * maxLd];
            staged = new float[lanes][CHUNK * outSize];
            this.kernelName = "packed, " + kernel.describe() + ", " + (share ? "2 threads" : "1 thread");
        } else {
            this.kernel = null;
            this.steps = null;
            this.copyInput = false;
            this.xld = 0;
            this.share = false;
            this.xs = this.ping = this.pong = this.staged = null;
            this.saved = null;
            this.copy = copyOf(model);
            this.kernelName = "copy of the model (ND4J/BLAS): " + why;
        }
    }

    /** A predictor of {@code model} computing with {@code kernel}, or with a copy of the model when it is null. */
    static Predictor of(Model model, DenseKernel kernel) {
        return new Predictor(model, kernel);
    }

    /** Why the packed path cannot take {@code model}, or null when it can. */
    private static String unpackable(Model model) {
        if (model.dataType() != DataType.FLOAT) {
            return "the packed kernel computes in float32; this model is " + model.dataType();
        }
        if (model.inputShape().length != 1) {
            return "the packed kernel takes examples of one dimension of features; this model's are " + Arrays.toString(model.inputShape());
        }
        return unpackable(model.layers(), "");
    }

    private static String unpackable(List<Layer> layers, String where) {
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            if (l instanceof Residual r) {
                String inner = unpackable(r.layers(), where + "layer " + i + " (residual), ");
                if (inner != null) {
                    return inner;
                }
            } else if (!(l instanceof Dense || l instanceof ActivationLayer || l instanceof Dropout || l instanceof BatchNorm
                    || l instanceof LayerNorm)) {
                return "the packed kernel takes dense, activation, dropout, batch_norm, layer_norm and residual layers; " + where
                        + "layer " + i + " is " + l.type();
            }
        }
        return null;
    }

    /**
     * The packed steps of a model that {@link #unpackable} accepts, in layer order: a dense layer
     * with ReLU or no activation is one step, with another activation two (softmax included);
     * an activation layer ReLU right after a dense layer without one is fused into it; a batch
     * normalisation right after a dense layer without activation is folded into its W and b
     * ({@code W'[:, c] = W[:, c]·s_c}, {@code b'_c = b_c·s_c + β_c − mean_c·s_c},
     * {@code s_c = γ_c / √(var_c + ε)}) and anywhere else is a scale and shift; dropout is the
     * identity at inference.
     */
    private static Step[] plan(Model model, DenseKernel kernel) {
        INDArray theta = model.parameters();
        float[] all = new float[Math.toIntExact(theta.length())];
        Buf.of(theta).read(0, all, all.length);
        List<Object> raw = new java.util.ArrayList<>(); // RawDense or Step, in order
        plan(model.layers(), model.inputShape(), all, 0, raw, 0);
        Step[] out = new Step[raw.size()];
        for (int i = 0; i < out.length; i++) {
            if (raw.get(i) instanceof RawDense d) {
                int ld = DenseKernels.padded(d.units, kernel.lanes());
                out[i] = new DenseStep(d.in, d.units, ld, DenseKernels.pack(d.w, d.in, d.units, kernel.panel(), kernel.lanes()),
                        Arrays.copyOf(d.bias, ld), d.relu);
            } else {
                out[i] = (Step) raw.get(i);
            }
        }
        return out;
    }

    /**
     * Appends the steps of {@code layers} (input shape {@code shape}, parameters from
     * {@code offset} in θ) to {@code raw}; a residual block at nesting level {@code depth} is a
     * save, its layers' steps and an add, and nothing folds or fuses across its ends.
     *
     * @return the offset after the layers' parameters
     */
    private static int plan(List<Layer> layers, long[] shape, float[] all, int offset, List<Object> raw, int depth) {
        for (Layer layer : layers) {
            int width = Math.toIntExact(shape[0]);
            int count = Math.toIntExact(layer.parameterCount(shape));
            Object last = raw.isEmpty() ? null : raw.get(raw.size() - 1);
            RawDense plain = last instanceof RawDense d && !d.relu ? d : null; // a dense layer without activation just before
            if (layer instanceof Dense d) {
                int units = d.units();
                float[] w = Arrays.copyOfRange(all, offset, offset + width * units);
                float[] b = Arrays.copyOfRange(all, offset + width * units, offset + width * units + units);
                Activation f = d.activation();
                raw.add(new RawDense(width, units, w, b, f.equals(Activation.RELU)));
                if (!f.equals(Activation.RELU) && !f.equals(Activation.IDENTITY)) {
                    raw.add(activation(f, units));
                }
            } else if (layer instanceof ActivationLayer a) {
                if (a.activation().equals(Activation.RELU) && plain != null) {
                    raw.set(raw.size() - 1, new RawDense(plain.in, plain.units, plain.w, plain.bias, true));
                } else if (!a.activation().equals(Activation.IDENTITY)) {
                    raw.add(activation(a.activation(), width));
                }
            } else if (layer instanceof BatchNorm bn) {
                double[] scale = new double[width];
                double[] shift = new double[width];
                for (int c = 0; c < width; c++) { // θ: γ, β, running mean, running variance
                    scale[c] = all[offset + c] / Math.sqrt(all[offset + 3 * width + c] + bn.epsilon());
                    shift[c] = all[offset + width + c] - all[offset + 2 * width + c] * scale[c];
                }
                if (plain != null) {
                    float[] w = plain.w.clone();
                    float[] b = plain.bias.clone();
                    for (int c = 0; c < width; c++) {
                        for (int k = 0; k < plain.in; k++) {
                            w[c * plain.in + k] = (float) (w[c * plain.in + k] * scale[c]);
                        }
                        b[c] = (float) (b[c] * scale[c] + shift[c]);
                    }
                    raw.set(raw.size() - 1, new RawDense(plain.in, plain.units, w, b, false));
                } else {
                    float[] sc = new float[width];
                    float[] sh = new float[width];
                    for (int c = 0; c < width; c++) {
                        sc[c] = (float) scale[c];
                        sh[c] = (float) shift[c];
                    }
                    raw.add(new ScaleStep(width, sc, sh));
                }
            } else if (layer instanceof LayerNorm ln) {
                raw.add(new NormStep(width, Arrays.copyOfRange(all, offset, offset + width),
                        Arrays.copyOfRange(all, offset + width, offset + 2 * width), (float) ln.epsilon()));
            } else if (layer instanceof Residual res) {
                raw.add(new SaveStep(depth, width));
                plan(res.layers(), shape, all, offset, raw, depth + 1);
                raw.add(new AddStep(depth, width));
            } // Dropout: the identity at inference
            offset += count;
            shape = layer.outputShape(shape);
        }
        return offset;
    }

    private static Step activation(Activation f, int cols) {
        return switch (f.name()) {
            case "softmax" -> new SoftmaxStep(cols);
            case "relu" -> new ActStep(DenseKernel.Fn.RELU, 0, cols);
            case "leaky_relu" -> new ActStep(DenseKernel.Fn.LEAKY_RELU, (float) f.alpha(), cols);
            case "gelu" -> new ActStep(DenseKernel.Fn.GELU, 0, cols);
            case "tanh" -> new ActStep(DenseKernel.Fn.TANH, 0, cols);
            case "sigmoid" -> new ActStep(DenseKernel.Fn.SIGMOID, 0, cols);
            default -> throw new IllegalStateException("no packed step for " + f);
        };
    }

    private static Model copyOf(Model model) {
        Model.Builder b = Model.builder(model.inputShape()).dataType(model.dataType()).seed(model.seed());
        model.layers().forEach(b::add);
        Model m = b.build();
        m.parameters().assign(model.parameters());
        return m;
    }

    private static long product(long[] shape) {
        long p = 1;
        for (long s : shape) {
            p *= s;
        }
        return p;
    }

    /** How this predictor computes: "packed, AVX-512 ..." (or AVX2), or "copy of the model ...: why not packed". */
    public String kernel() {
        return kernelName;
    }

    /** The shape of one input example. */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /** The shape of one output example. */
    public long[] outputShape() {
        return outputShape.clone();
    }

    /**
     * Predicts a batch. On the packed path with two threads, the array returned was made by the
     * worker thread while this call finished (the predictor keeps up to two ready for the last
     * batch size, and frees them when closed), so that the call does not wait for ND4J's
     * allocation.
     *
     * @param x {@code [B, inputShape...]}, any order and floating type (the packed path reads
     *          float32 'c'-order x in place and copies any other once)
     * @return {@code [B, outputShape...]}, 'c' order, a new array the caller owns
     */
    public INDArray predict(INDArray x) {
        checkOpen();
        if (copy != null) {
            return copy.predict(x);
        }
        checkInput(x);
        int batch = Math.toIntExact(x.size(0));
        int n = Math.multiplyExact(batch, outSize);
        if (n > STAGED) { // the allocation is small beside the work; nothing this big is kept
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
            staging = new float[n];
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
        Buf.of(out).write(0, staging, n);
        return out;
    }

    /**
     * Makes an array for {@link #predict(INDArray)} to return, on the worker thread once it has
     * done its part of a call, while the caller finishes the call: the caller takes it at the
     * end (or the next call does), so that it does not wait for ND4J's allocation (a few
     * microseconds; {@code InferenceLatency 1}, CHANGELOG); it makes its own when none is ready or the
     * batch size changed. Not run on one thread. At most two are kept, and
     * {@link #close()} frees them.
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

    /** A new 'c'-order {@code [rows, outputs]} array of the model's type, for {@link #predict(INDArray)} to return. */
    private INDArray newOutput(int rows) {
        return Nd4j.create(dataType, new long[] {rows, outSize}, 'c');
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
     * Predicts a batch into a buffer the caller owns; nothing is allocated in the packed path
     * when x is float32 in 'c' order.
     *
     * @param x   {@code [B, inputShape...]}, any order and floating type
     * @param out {@code [B, outputShape...]}, float32 (the model's type), contiguous, 'c' or 'f' order
     * @return {@code out}
     * @throws IllegalArgumentException when x or out does not fit (out is then left unchanged)
     */
    public INDArray predict(INDArray x, INDArray out) {
        checkOpen();
        if (copy != null) {
            return copy.predict(x, out);
        }
        checkInput(x);
        Model.checkOutput(x.size(0), outputShape, dataType, out);
        boolean outRows = out.ordering() == 'c' || out.rows() == 1 || out.columns() == 1;
        run(x, Buf.of(out), outRows, null, null);
        return out;
    }

    /**
     * The packed path on an ND4J x (checked), into {@code yOut} or {@code yHeap}: float32 'c'
     * order is read in place, any other copied once.
     */
    private void run(INDArray x, Buf yOut, boolean outRows, float[] yHeap, Runnable after) {
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
     * Predicts a batch held in a Java array, with no ND4J array on the way in the packed path.
     *
     * @param x B examples of {@code inputShape} values each, row after row ({@code [B, in]} in 'c' order)
     * @return B outputs, row after row, a new array
     * @throws IllegalArgumentException when x's length is not a whole number of examples
     */
    public float[] predict(float[] x) {
        checkOpen();
        int batch = batchOf(x);
        return predict(x, new float[Math.multiplyExact(batch, outSize)]);
    }

    /**
     * As {@link #predict(float[])}, into {@code out}: nothing is allocated in the packed path.
     *
     * @param out B outputs' room, {@code B · outputShape} values
     * @return {@code out}
     * @throws IllegalArgumentException when x is not a whole number of examples or out's length
     *                                  does not match (out is then left unchanged)
     */
    public float[] predict(float[] x, float[] out) {
        checkOpen();
        int batch = batchOf(x);
        if (out == null || out.length != (long) batch * outSize) {
            throw new IllegalArgumentException("out must hold " + ((long) batch * outSize) + " values (" + batch + " examples of "
                    + outSize + ") for this x; got " + (out == null ? "null" : out.length + " values") + ". Pass new float["
                    + ((long) batch * outSize) + "] or call predict(x)");
        }
        if (copy != null) {
            long[] xs = new long[inputShape.length + 1];
            xs[0] = batch;
            System.arraycopy(inputShape, 0, xs, 1, inputShape.length);
            try (INDArray xa = Nd4j.create(x, xs, 'c');
                 INDArray y = copy.predict(xa)) {
                Buf.of(y).read(0, out, out.length);
            }
            return out;
        }
        run(batch, null, x, null, true, out, null);
        return out;
    }

    private int batchOf(float[] x) {
        if (x == null) {
            throw new NullPointerException("x must not be null");
        }
        if (x.length % inSize != 0) {
            throw new IllegalArgumentException("x holds " + x.length + " values, not a whole number of examples of " + inSize
                    + " values (shape " + Arrays.toString(inputShape) + "); pass B·" + inSize + " values, one example after another");
        }
        return x.length / inSize;
    }

    private void checkInput(INDArray x) {
        if (x.rank() != 2 || x.size(1) != inSize) {
            throw new IllegalArgumentException("expected input of shape [batch, " + inSize + "], got " + Arrays.toString(x.shape()));
        }
        if (!x.dataType().isFPType()) {
            throw new IllegalArgumentException("expected floating-point input, got " + x.dataType() + "; cast it with x.castTo(DataType.FLOAT)");
        }
    }

    /**
     * Runs the packed layers over {@code batch} rows, from xIn or xHeap into yOut or yHeap; the
     * worker, when it took part, runs {@code after} (or null) once done.
     */
    private void run(int batch, Buf xIn, float[] xHeap, Buf yOut, boolean outRowMajor, float[] yHeap, Runnable after) {
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
                Parallel.run(share, chunks, chunkTask, SPIN_NANOS, after);
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
        return share && steps.length > 0 && steps[0] instanceof DenseStep d && d.w.length >= SPLIT_WEIGHTS;
    }

    /**
     * A batch of at most one chunk (serving a request or a few): the first layer's panels are
     * shared between the threads, into lane 0's buffer; the later layers (small, in a classifier)
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
        Parallel.run(true, DenseKernels.panels(s.units, kernel.panel()), panelTask, SPIN_NANOS, after);
        layers(0, rows, 0, ping[0], 0, s.ld, 1);
    }

    /** Panel p of the first layer for a one-chunk batch, into lane 0's first buffer. */
    private void panel(int p, int lane) {
        DenseStep s = (DenseStep) steps[0];
        kernel.forward(smallX, 0, smallLd, rows, s.in, s.w, s.bias, s.units, s.relu, ping[0], 0, s.ld, p, p + 1);
    }

    /**
     * Steps {@code first..} for rows [r0, r0 + n) on lane {@code lane}'s buffers, from
     * {@code cur} (rows of stride {@code ld}: the input, or step {@code first - 1}'s output in
     * that lane's buffer), then the last step's rows into the output. A dense step writes into
     * the lane's other buffer; the others work in place, on the lane's own copy of the input
     * when they come first ({@link #copyInput}).
     */
    private void layers(int r0, int n, int lane, float[] cur, int curOff, int ld, int first) {
        for (int i = first; i < steps.length; i++) {
            Step step = steps[i];
            if (step instanceof DenseStep s) {
                float[] dst = cur == ping[lane] ? pong[lane] : ping[lane];
                kernel.forward(cur, curOff, ld, n, s.in, s.w, s.bias, s.units, s.relu, dst, 0, s.ld);
                cur = dst;
                curOff = 0;
                ld = s.ld;
            } else if (step instanceof ActStep a) {
                kernel.activate(a.fn, a.alpha, cur, curOff, n, a.cols, ld);
            } else if (step instanceof SoftmaxStep sm) {
                kernel.softmax(cur, curOff, n, sm.cols, ld);
            } else if (step instanceof NormStep nm) {
                kernel.layerNorm(cur, curOff, n, nm.cols, ld, nm.gamma, nm.beta, nm.epsilon);
            } else if (step instanceof ScaleStep sc) {
                kernel.scaleShift(cur, curOff, n, sc.cols, ld, sc.scale, sc.shift);
            } else if (step instanceof SaveStep sv) {
                float[] keep = saved[lane][sv.depth];
                for (int r = 0; r < n; r++) {
                    System.arraycopy(cur, curOff + r * ld, keep, r * sv.cols, sv.cols);
                }
            } else if (step instanceof AddStep ad) {
                float[] keep = saved[lane][ad.depth];
                for (int r = 0; r < n; r++) {
                    int o = curOff + r * ld;
                    int k = r * ad.cols;
                    for (int j = 0; j < ad.cols; j++) {
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

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this predictor is closed; make a new one with model.predictor()");
        }
    }

    /**
     * Frees the copy's native memory, or the packed form's spare output array; predicting
     * afterwards throws.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        freeSpares();
        if (copy != null) {
            copy.close();
        }
    }
}
