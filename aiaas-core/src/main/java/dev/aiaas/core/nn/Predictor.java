package dev.aiaas.core.nn;

import dev.aiaas.core.kernel.DenseKernel;
import dev.aiaas.core.kernel.DenseKernels;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

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
 *   <li><b>packed</b>: when the model is float32 on flat features and every layer, nested ones
 *       included, is a {@link PackedLayer} ({@link Dense}, {@link ActivationLayer} with any
 *       activation, softmax included, {@link Dropout}, {@link BatchNorm}, {@link LayerNorm},
 *       {@link Residual} blocks of those, and layers of one's own that implement the hook), and
 *       the JVM runs with {@code --add-modules jdk.incubator.vector} on a CPU with 512-bit
 *       vectors (AVX-512: 48-column panels, 8x48 register blocks) or 256-bit ones (AVX2:
 *       16-column panels, 6x16 blocks). The model is planned once as steps (each layer
 *       describes itself; the plan fuses a ReLU into the dense product before it and folds a
 *       batch normalisation that follows a dense layer without activation into its W and b,
 *       never across a residual block's ends); each W is packed once into column panels on the
 *       heap; a batch is cut into chunks of 16 rows, each taken through every step by Vector API
 *       kernels (the bias and ReLU fused into the dense kernel's stores, other activations and
 *       normalisations in place on the chunk while it is in cache), the chunks shared between
 *       the calling thread and one worker (a batch of one chunk shares its first layer's column
 *       panels instead). When every width in the model is at most
 *       {@link DenseKernel#ROW_STRIDE}, a chunk's rows sit that many floats apart in its
 *       buffers, the stride the kernels read fastest. No native call but the copy of x in and y
 *       out, and nothing allocated per call by {@link #predict(INDArray, INDArray)} or
 *       {@link #predict(float[], float[])}. Sums run in another order than BLAS's, so results
 *       differ from {@link Model#predict(INDArray)} by float32 rounding ({@code PredictorTest}
 *       allows 1e-5 of the largest output).
 *   <li><b>copy</b>: otherwise, a copy of the model (its own native θ) running its forward pass
 *       on ND4J and BLAS, exactly as {@link Model#predict(INDArray)} does; {@link #kernel()}
 *       says why (naming the first layer without a packed form, say).
 * </ul>
 *
 * <p><b>Thread-safe</b>: one predictor may be shared by any number of threads (a server's
 * request threads), each call giving, bit for bit, what the same call gives alone. (One caveat of
 * the packed path: the Vector API computes tanh and e^x, in GELU, tanh, σ and softmax, with its
 * Java fallback until the JIT compiles them onto SVML's routines, which round differently in the
 * last bits; so a call made in a JVM's first moments can differ by an ulp or so from the same call
 * later. ReLU, linear and layer-norm networks are not affected.) The weights
 * are read-only; what a call writes (its buffers) is lent to it alone for the call, from a pool
 * of at most {@link #maxConcurrentCalls()} (the processors the JVM had when the predictor was
 * made: more calls at once would not compute faster): a call beyond that waits for one to end,
 * in order of arrival, so a thousand threads hold no more than that many buffers. One call at a
 * time shares its chunks with the engine's worker thread, as above; the others compute on their
 * own thread. A call alone takes and gives back the same buffers with a few compare-and-sets.
 *
 * <p>Memory: the packed form holds its copy of the weights on the heap (4 bytes per weight,
 * 0.8 MB for the MLP 784-256-10) and, per concurrent call, its chunk buffers (three of 16 rows
 * per thread, 0.4 MB on two threads at the fixed stride; a convolution's patch buffer of up to
 * 1 MB per thread; a residual block's saved rows), and no native memory but the spare
 * output arrays {@link #predict(INDArray)} keeps; the copy path holds the copy's native θ once
 * and, per concurrent call, the layers' working buffers for up to four batch sizes.
 * {@link #close()} frees all of it: what no call is using at once, the rest when the calls using
 * it return (never under a running call, and close never waits); calls that start after
 * {@code close()}, or were waiting for buffers, throw {@link IllegalStateException}.
 */
public final class Predictor implements AutoCloseable {

    private final long[] inputShape;
    private final long[] outputShape;
    private final int inSize;
    private final int outSize;
    private final PredictorExecutor executor;
    private volatile boolean closed;

    /** The message of a call on a closed predictor. */
    static final String CLOSED = "this predictor is closed; make a new one with model.predictor()";

    private Predictor(Model model, DenseKernel kernel, int maxCalls) {
        this.inputShape = model.inputShape();
        this.outputShape = model.outputShape();
        this.inSize = Math.toIntExact(product(inputShape));
        this.outSize = Math.toIntExact(product(outputShape));
        if (kernel == null) {
            executor = new CopyExecutor(model, DenseKernels.UNAVAILABLE != null ? DenseKernels.UNAVAILABLE : "no packed kernel was asked for",
                    maxCalls);
        } else {
            PackedPlan plan = PackedPlan.of(model, kernel);
            executor = plan.why() == null ? new PackedExecutor(model, plan, kernel, maxCalls) : new CopyExecutor(model, plan.why(), maxCalls);
        }
    }

    /** A predictor of {@code model} computing with {@code kernel}, or with a copy of the model when it is null. */
    static Predictor of(Model model, DenseKernel kernel) {
        return new Predictor(model, kernel, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /** As {@link #of(Model, DenseKernel)}, with at most {@code maxCalls} calls computing at once (for tests). */
    static Predictor of(Model model, DenseKernel kernel, int maxCalls) {
        return new Predictor(model, kernel, maxCalls);
    }

    /** The executor, for tests. */
    PredictorExecutor executor() {
        return executor;
    }

    static long product(long[] shape) {
        long p = 1;
        for (long s : shape) {
            p *= s;
        }
        return p;
    }

    /**
     * How this predictor computes.
     *
     * @return "packed, AVX-512 ..." (or AVX2) and its thread count, or "copy of the model ...: why not packed"
     */
    public String kernel() {
        return executor.describe();
    }

    /**
     * The most calls that compute at once: the processors available to the JVM when the
     * predictor was made. Further concurrent calls wait for one of these to end.
     *
     * @return at least 1
     */
    public int maxConcurrentCalls() {
        return executor.maxCalls();
    }

    /**
     * The shape of one input example.
     *
     * @return a copy of the model's input shape
     */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /**
     * The shape of one output example.
     *
     * @return a copy of the model's output shape
     */
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
     *          float32 'c'-order x in place and copies any other once); B may be 0
     * @return {@code [B, outputShape...]}, 'c' order, a new array the caller owns
     * @throws IllegalArgumentException when x is null or not of shape {@code [B, inputShape...]}
     * @throws IllegalStateException    when the predictor is closed
     */
    public INDArray predict(INDArray x) {
        checkOpen();
        checkInput(x);
        return executor.predict(x);
    }

    /**
     * Predicts a batch into a buffer the caller owns; nothing is allocated in the packed path
     * when x is float32 in 'c' order.
     *
     * @param x   {@code [B, inputShape...]}, any order and floating type
     * @param out {@code [B, outputShape...]}, the model's type, contiguous, 'c' or 'f' order
     * @return {@code out}
     * @throws IllegalArgumentException when x or out is null or does not fit (out is then left unchanged)
     * @throws IllegalStateException    when the predictor is closed
     */
    public INDArray predict(INDArray x, INDArray out) {
        checkOpen();
        checkInput(x);
        return executor.predict(x, out);
    }

    /**
     * Predicts a batch held in a Java array, with no ND4J array on the way in the packed path.
     *
     * @param x B examples of {@code inputShape} values each, row after row ({@code [B, in]} in
     *          'c' order); B may be 0
     * @return B outputs, row after row, a new array (of a float64 model's outputs rounded to float32)
     * @throws IllegalArgumentException when x is null or its length is not a whole number of examples
     * @throws IllegalStateException    when the predictor is closed
     */
    public float[] predict(float[] x) {
        checkOpen();
        int batch = batchOf(x);
        return predict(x, new float[Math.multiplyExact(batch, outSize)]);
    }

    /**
     * As {@link #predict(float[])}, into {@code out}: nothing is allocated in the packed path.
     *
     * @param x   B examples of {@code inputShape} values each, row after row
     * @param out B outputs' room, {@code B · outputShape} values
     * @return {@code out}
     * @throws IllegalArgumentException when x is null or not a whole number of examples, or out's
     *                                  length does not match (out is then left unchanged)
     * @throws IllegalStateException    when the predictor is closed
     */
    public float[] predict(float[] x, float[] out) {
        checkOpen();
        int batch = batchOf(x);
        if (out == null || out.length != (long) batch * outSize) {
            throw new IllegalArgumentException("out must hold " + ((long) batch * outSize) + " values (" + batch + " examples of "
                    + outSize + ") for this x; got " + (out == null ? "null" : out.length + " values") + ". Pass new float["
                    + ((long) batch * outSize) + "] or call predict(x)");
        }
        if (batch > 0) {
            executor.predict(x, batch, out);
        }
        return out;
    }

    private int batchOf(float[] x) {
        if (x == null) {
            throw new IllegalArgumentException("x is null; pass B·" + inSize + " values, B examples of shape "
                    + Arrays.toString(inputShape) + " one after another");
        }
        if (x.length % inSize != 0) {
            throw new IllegalArgumentException("x holds " + x.length + " values, not a whole number of examples of " + inSize
                    + " values (shape " + Arrays.toString(inputShape) + "); pass B·" + inSize + " values, one example after another");
        }
        return x.length / inSize;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(CLOSED);
        }
    }

    private void checkInput(INDArray x) {
        if (x == null) {
            throw new IllegalArgumentException("x is null; pass a batch of shape [B, " + join(inputShape) + "]");
        }
    }

    private static String join(long[] shape) {
        String s = Arrays.toString(shape);
        return s.substring(1, s.length() - 1);
    }

    /**
     * Frees the copy's native memory, or the packed form's spare output arrays: at once what no
     * call is using, the rest as the running calls return (it does not wait for them). Calls
     * that start afterwards throw {@link IllegalStateException}. Idempotent; safe to call while
     * other threads predict.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        executor.close();
    }
}
