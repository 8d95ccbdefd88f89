package dev.aiaas.core.nn;

import dev.aiaas.core.math.MathOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.backend.NativeMemory;
import dev.aiaas.core.math.Buf;
import dev.aiaas.core.kernel.Parallel;
import dev.aiaas.core.kernel.DenseKernels;

/**
 * A network y = f(x; θ): layers in sequence over one flat parameter vector θ, created ready to use.
 *
 * <pre>{@code
 * try (Model model = Model.builder(784)
 *         .add(Layers.dense(256, Activation.RELU))
 *         .add(Layers.dense(10))
 *         .seed(42)
 *         .build()) {
 *     System.out.println(model.summary());
 *     INDArray logits = model.predict(x);            // x [B, 784] -> [B, 10]
 * }
 * }</pre>
 *
 * <p>The model owns θ and the gradient vector ∇θ (both 1-D, length {@link #parameterCount()},
 * in the model's data type) and every layer's working buffers; {@link #close()} frees them.
 *
 * <p>Not thread-safe, and it says so rather than crash: one thread at a time uses a model (its
 * calls share the layers' working buffers, and training writes θ). A call ({@code predict},
 * {@code forward}, {@code backward}, {@link #predictor()}, {@link #parameters()},
 * {@link #gradients()}, {@link #close()}) made while another thread is inside one, or while
 * another thread {@link #hold holds} the model (a {@code Trainer} does for a whole fit), throws
 * {@link IllegalStateException} naming both; nothing reaches native code. To serve from several
 * threads, share one {@link #predictor()} (safe for any number of threads) or give each thread
 * its own model. The views {@link #parameters()} and {@link #gradients()} return are not
 * watched once returned: do not use them while another thread uses the model.
 */
public final class Model implements AutoCloseable {

    /**
     * The deepest layers may nest: a model's own layers are at depth 1, the layers inside a
     * residual block or a time-distributed wrapper one deeper, and so on. Far beyond what networks
     * use, and shallow enough that no recursion over the layers (shapes, the passes, saving) can
     * overflow a thread's stack.
     */
    public static final int MAX_NESTING = 64;

    private final long[] inputShape;
    private final DataType dataType;
    private final long seed;
    private final Chain chain;
    private final INDArray params;
    private final INDArray grads;
    private INDArray inputBuffer;
    private volatile boolean closed;
    /** Whether θ and ∇θ are this model's own (else another's, see {@link #sharing}). */
    private final boolean ownsParameters;
    /** The thread inside a call or holding the model, or null (see {@link #enter}). */
    private final AtomicReference<Thread> user = new AtomicReference<>();
    /**
     * What {@link #user} is doing, for another thread's message: written by the user after it
     * takes the model, read racily by the refused thread (a String is safely published by its
     * final fields; at worst the message names the use before).
     */
    private String use;
    /** How deep {@link #user}'s calls nest (a hold, then calls inside it); read and written by that thread only. */
    private int depth;

    private Model(long[] inputShape, List<Layer> layers, DataType dataType, long seed) {
        Backends.current();
        this.inputShape = inputShape.clone();
        this.dataType = dataType;
        this.seed = seed;
        this.chain = new Chain(layers, inputShape, dataType);
        long p = Math.max(1, chain.parameterCount());
        INDArray theta = null;
        try {
            // θ and ∇θ, checked first: a width from a user or a file may ask for more than the host has
            NativeMemory.require("the parameters θ and gradients ∇θ of a model with " + chain.parameterCount() + " parameters ("
                    + (dataType == DataType.FLOAT ? "float32" : "float64") + ")", NativeMemory.bytes("θ and ∇θ", p, 2 * dataType.width()));
            if (p > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("the layers have " + p + " parameters; a model holds at most "
                        + Integer.MAX_VALUE + " (θ is indexed by int). Make the layers smaller");
            }
            theta = Nd4j.create(dataType, new long[] {p}, 'c');
            this.params = theta;
            this.grads = Nd4j.create(dataType, new long[] {p}, 'c');
        } catch (RuntimeException e) {
            if (theta != null) {
                theta.close();
            }
            chain.close();
            throw e;
        }
        chain.bind(params, grads);
        chain.initialise(new SplittableRandom(seed));
        this.ownsParameters = true;
    }

    /** A model with its own layer instances (and so working buffers) over {@code owner}'s θ and ∇θ, which stay the owner's. */
    private Model(Model owner) {
        this.inputShape = owner.inputShape;
        this.dataType = owner.dataType;
        this.seed = owner.seed;
        this.chain = new Chain(owner.chain.layers, inputShape, dataType);
        this.params = owner.params;
        this.grads = owner.grads;
        chain.bind(params, grads);
        this.ownsParameters = false;
    }

    /**
     * A model computing with {@code owner}'s θ (read, never written, by inference) on working
     * buffers of its own: the {@link Predictor}'s copy path gives each concurrent call one. Its
     * {@link #close()} frees its buffers only; {@code owner} must outlive it.
     */
    static Model sharing(Model owner) {
        owner.checkOpen();
        return new Model(owner);
    }

    /**
     * Starts a model whose examples have the given shape, for example {@code builder(784)}.
     *
     * @param inputShape one example's shape, positive sizes
     * @return a builder with no layer yet
     */
    public static Builder builder(long... inputShape) {
        return new Builder(inputShape);
    }

    /** Assembles a model. */
    public static final class Builder {
        private final long[] inputShape;
        private final List<Layer> layers = new ArrayList<>();
        private DataType dataType = DataType.FLOAT;
        private long seed = 0;

        private Builder(long[] inputShape) {
            if (inputShape == null || inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
                throw new IllegalArgumentException("input shape must be positive sizes, for example builder(784). Received: "
                        + Arrays.toString(inputShape));
            }
            this.inputShape = inputShape.clone();
        }

        /**
         * Appends a layer.
         *
         * @param layer the next layer
         * @return this builder
         */
        public Builder add(Layer layer) {
            if (layer == null) {
                throw new NullPointerException("layer must not be null");
            }
            layers.add(layer);
            return this;
        }

        /**
         * FLOAT (float32, the default) or DOUBLE (float64, for gradient checks).
         *
         * @param dataType FLOAT or DOUBLE
         * @return this builder
         */
        public Builder dataType(DataType dataType) {
            if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
                throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE. Received: " + dataType);
            }
            this.dataType = dataType;
            return this;
        }

        /**
         * The seed of the parameters' initialisation (default 0): same seed, same parameters.
         *
         * @param seed any value
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Creates the model with initialised parameters.
         *
         * @return the model, which the caller closes
         * @throws IllegalArgumentException when there is no layer, layers nest deeper than
         *                                  {@link #MAX_NESTING}, a layer cannot take its input
         *                                  shape, or the parameter count overflows
         * @throws dev.aiaas.core.backend.NativeMemoryException when θ and ∇θ need more native memory
         *                                  than may be allocated (the message names both sizes)
         */
        public Model build() {
            if (layers.isEmpty()) {
                throw new IllegalArgumentException("a model needs at least one layer: call add(Layers.dense(...)) before build()");
            }
            checkNesting(layers);
            return new Model(inputShape, layers, dataType, seed);
        }
    }

    /**
     * Refuses layers nested deeper than {@link #MAX_NESTING}, walking {@link Layer#children()}
     * without recursion (so that the check itself cannot overflow the stack).
     */
    private static void checkNesting(List<Layer> layers) {
        java.util.ArrayDeque<Object[]> todo = new java.util.ArrayDeque<>();
        for (Layer l : layers) {
            todo.push(new Object[] {l, 1});
        }
        while (!todo.isEmpty()) {
            Object[] next = todo.pop();
            Layer l = (Layer) next[0];
            int depth = (Integer) next[1];
            if (depth > MAX_NESTING) {
                throw new IllegalArgumentException("layers nest more than " + MAX_NESTING + " deep (a " + l.type()
                        + " layer at depth " + depth + "); Model.MAX_NESTING is the deepest a model may be. Put the layers"
                        + " in sequence instead of inside one another");
            }
            for (Layer c : l.children().values()) {
                todo.push(new Object[] {c, depth + 1});
            }
        }
    }

    /**
     * The shape of one input example.
     *
     * @return a copy of it
     */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /**
     * The shape of one output example.
     *
     * @return a copy of it
     */
    public long[] outputShape() {
        return chain.outputShape();
    }

    /**
     * FLOAT or DOUBLE.
     *
     * @return the data type of θ and of every buffer
     */
    public DataType dataType() {
        return dataType;
    }

    /**
     * The initialisation seed.
     *
     * @return the seed given to the builder
     */
    public long seed() {
        return seed;
    }

    /**
     * The layers, in order.
     *
     * @return an unmodifiable list
     */
    public List<Layer> layers() {
        return chain.layers;
    }

    /**
     * P, the number of trainable parameters.
     *
     * @return P, untrained state such as batch-norm statistics included
     */
    public long parameterCount() {
        return chain.parameterCount();
    }

    /**
     * Where the weights that a regulariser penalises lie in θ: every layer's
     * {@link ParameterSlice.Role#KERNEL} slices ({@link Layer#parameterSlices}), nested layers
     * included, shifted to their place in θ; each range {@code [from, to)}, in layer order. For
     * the built-in layers, the weight matrices W of the dense layers (in residual blocks and
     * time-distributed wrappers too); not biases, normalisation parameters or state.
     *
     * @return the ranges, each {@code {from, to}}
     */
    public List<long[]> kernelSlices() {
        return chain.slices(ParameterSlice.Role.KERNEL);
    }

    /**
     * Where the layers' untrained state lies in θ: every layer's {@link ParameterSlice.Role#STATE}
     * slices, nested layers included (for the built-in layers, the running mean and variance of
     * each batch normalisation); each range {@code [from, to)}, in layer order. Their gradients
     * are always 0; trainers put these values back after each optimiser step, so that no update
     * rule (AdamW's decoupled decay, say) moves them.
     *
     * @return the ranges, each {@code {from, to}}
     */
    public List<long[]> stateSlices() {
        return chain.slices(ParameterSlice.Role.STATE);
    }

    /**
     * θ: a live 1-D view of length P (writes change the model).
     *
     * @return θ, owned by the model
     * @throws IllegalStateException when the model is closed, or another thread is using or holding it
     */
    public INDArray parameters() {
        checkOpen();
        checkNotInUse("parameters()");
        return params;
    }

    /**
     * ∇θ from the last {@link #backward}: a live 1-D view of length P.
     *
     * @return ∇θ, owned by the model
     * @throws IllegalStateException when the model is closed, or another thread is using or holding it
     */
    public INDArray gradients() {
        checkOpen();
        checkNotInUse("gradients()");
        return grads;
    }

    /**
     * Predicts a batch: y = f(x; θ) with training behaviour off. A batch of 0 examples gives an
     * empty {@code [0, outputShape...]}.
     *
     * @param x {@code [B, inputShape...]}, any order and floating type
     * @return {@code [B, outputShape...]}, a new array the caller owns
     * @throws IllegalArgumentException when x is null or not of shape {@code [B, inputShape...]}
     * @throws IllegalStateException    when the model is closed, or another thread is using or
     *                                  holding it (see the class comment)
     * @throws dev.aiaas.core.backend.NativeMemoryException when the batch's working buffers need
     *                                  more memory than may be allocated
     */
    public INDArray predict(INDArray x) {
        enter("predict");
        try {
            checkOpen();
            INDArray in = asInput(x);
            if (in.size(0) == 0) {
                return Nd4j.create(dataType, batchShape(0, chain.out()), 'c');
            }
            return chain.forward(in, false).dup('c');
        } finally {
            exit();
        }
    }

    /** {@code [batch, shape...]}. */
    private static long[] batchShape(long batch, long[] shape) {
        long[] s = new long[shape.length + 1];
        s[0] = batch;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    /**
     * Predicts a batch into a buffer the caller owns: y = f(x; θ) with training behaviour off,
     * written into {@code out}. Nothing is allocated once the model has seen the batch size (a
     * server answering batch-1 requests of the MLP 784-256-10 saves the 4.5 us at the minimum, 8
     * to 10 us at the median, that making and freeing the array {@link #predict(INDArray)}
     * returns costs).
     *
     * @param x   {@code [B, inputShape...]}, any order and floating type
     * @param out {@code [B, outputShape...]} in the model's data type, contiguous, in 'c' or 'f'
     *            order
     * @return {@code out}
     * @throws IllegalArgumentException when x is null or does not fit the model, or {@code out}'s
     *                                  shape, data type or layout does not fit; {@code out} is
     *                                  then left unchanged
     * @throws IllegalStateException    when the model is closed, or another thread is using or
     *                                  holding it (see the class comment)
     */
    public INDArray predict(INDArray x, INDArray out) {
        enter("predict");
        try {
            checkOpen();
            INDArray in = asInput(x);
            checkOutput(in.size(0), chain.out(), dataType, out);
            if (in.size(0) > 0) {
                into(chain.forward(in, false), out);
            }
            return out;
        } finally {
            exit();
        }
    }

    /** Copies y, the last layer's buffer, into the caller's {@code out} (checked). */
    private void into(INDArray y, INDArray out) {
        boolean vector = y.rank() == 1 || (y.rank() == 2 && (y.rows() == 1 || y.columns() == 1));
        if (y.ordering() == out.ordering() || vector) { // the same memory order
            copy(Buf.of(y), Buf.of(out), (int) y.length());
        } else if (y.rank() == 2 && y.ordering() == 'f') {
            copyTransposed(Buf.of(y), Buf.of(out), (int) y.rows(), (int) y.columns());
        } else {
            out.assign(y);
        }
    }

    /**
     * Checks a caller's output buffer for a batch of {@code batch} examples of {@code shape}.
     *
     * @throws IllegalArgumentException naming the expected shape, type or layout and how to make it
     */
    static void checkOutput(long batch, long[] shape, DataType dataType, INDArray out) {
        if (out == null) {
            throw new IllegalArgumentException("out is null; pass a " + dataType + " array of shape "
                    + Arrays.toString(batchShape(batch, shape)) + " or call predict(x), which returns a new one");
        }
        boolean fits = out.rank() == shape.length + 1 && out.size(0) == batch;
        for (int i = 0; fits && i < shape.length; i++) {
            fits = out.size(i + 1) == shape[i];
        }
        if (!fits) {
            long[] want = new long[shape.length + 1];
            want[0] = batch;
            System.arraycopy(shape, 0, want, 1, shape.length);
            throw new IllegalArgumentException("out must have shape " + Arrays.toString(want) + " for this batch; got "
                    + Arrays.toString(out.shape()) + ". Make it with Nd4j.create(DataType." + dataType + ", new long[] "
                    + Arrays.toString(want).replace('[', '{').replace(']', '}') + ", 'c')");
        }
        if (out.dataType() != dataType) {
            throw new IllegalArgumentException("out must hold " + dataType + " values, as the model computes; got "
                    + out.dataType());
        }
        if (!Buf.contiguous(out)) {
            throw new IllegalArgumentException("out must be a contiguous array, not a strided view; got strides "
                    + Arrays.toString(out.stride()) + ". Pass a new array");
        }
    }

    /**
     * A frozen copy of this model for serving, packed for the CPU's vector units where it can be
     * ({@link Predictor}): later training does not reach it.
     *
     * @return a new predictor, which the caller closes
     * @throws IllegalStateException when the model is closed, or another thread is using or holding it
     */
    public Predictor predictor() {
        enter("predictor()");
        try {
            checkOpen();
            return Predictor.of(this, DenseKernels.VECTOR.orElse(null));
        } finally {
            exit();
        }
    }

    /**
     * As {@link #predictor()}, with each call on the packed path using at most {@code threads}
     * threads (the caller's and aiaas's worker pool's), instead of the {@code aiaas.threads}
     * setting. One thread per call suits a server, whose concurrent requests already keep the
     * cores busy: a batch-1 call shared between two threads is faster alone, but the idle worker
     * waits for the next call spinning, which costs the other requests CPU (measured with
     * {@code aiaas serve}: 65-90 us of server CPU per request with one, 98-162 with two;
     * docs/benchmarks.md). The copy path runs on the backend's BLAS threads either way.
     *
     * @param threads threads per call, 1 to 256
     * @return a new predictor, which the caller closes
     * @throws IllegalArgumentException when threads is out of range
     * @throws IllegalStateException    when the model is closed, or another thread is using or holding it
     */
    public Predictor predictor(int threads) {
        if (threads < 1 || threads > Parallel.MAX_LANES) {
            throw new IllegalArgumentException("threads must be from 1 to " + Parallel.MAX_LANES + "; got threads=" + threads
                    + ". Use 1 for a server, or predictor() for the aiaas.threads setting");
        }
        return Parallel.withThreads(threads, this::predictor);
    }

    /** Heap copies for {@link #predict(INDArray, INDArray)}, made on first use and grown to the largest batch. */
    private float[] fa;
    private float[] fb;
    private double[] da;
    private double[] db;

    private void copy(Buf from, Buf to, int n) {
        if (from.isFloat()) {
            fa = fa == null || fa.length < n ? new float[n] : fa;
            from.read(0, fa, n);
            to.write(0, fa, n);
        } else {
            da = da == null || da.length < n ? new double[n] : da;
            from.read(0, da, n);
            to.write(0, da, n);
        }
    }

    /** out[r·cols + c] = y[c·rows + r]: an 'f'-order [rows, cols] into a 'c'-order one. */
    private void copyTransposed(Buf y, Buf out, int rows, int cols) {
        int n = rows * cols;
        if (y.isFloat()) {
            fa = fa == null || fa.length < n ? new float[n] : fa;
            fb = fb == null || fb.length < n ? new float[n] : fb;
            y.read(0, fa, n);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    fb[r * cols + c] = fa[c * rows + r];
                }
            }
            out.write(0, fb, n);
        } else {
            da = da == null || da.length < n ? new double[n] : da;
            db = db == null || db.length < n ? new double[n] : db;
            y.read(0, da, n);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    db[r * cols + c] = da[c * rows + r];
                }
            }
            out.write(0, db, n);
        }
    }

    /**
     * The forward pass for a batch; the result is the model's own buffer, valid until the next
     * call. Used by trainers, with {@code training = true} before {@link #backward}.
     *
     * @param x        {@code [B, inputShape...]}, any order and floating type
     * @param training whether this is a training step (dropout and batch statistics act only then)
     * @return {@code [B, outputShape...]}, the model's buffer
     * @throws IllegalArgumentException when x is null or not of shape {@code [B, inputShape...]}
     * @throws IllegalStateException    when the model is closed, or another thread is using or holding it
     */
    public INDArray forward(INDArray x, boolean training) {
        enter("forward");
        try {
            checkOpen();
            return chain.forward(asInput(x), training);
        } finally {
            exit();
        }
    }

    /**
     * Back-propagates ∂L/∂y of the last training forward pass, filling {@link #gradients()}.
     *
     * @param dOutput ∂L/∂y, the shape of the last forward pass's output
     * @throws IllegalStateException when the model is closed, or another thread is using or holding it
     */
    public void backward(INDArray dOutput) {
        enter("backward");
        try {
            checkOpen();
            chain.backward(dOutput, false);
        } finally {
            exit();
        }
    }

    /** x as the first layer reads it (checked): x itself, or its copy in the model's input buffer. */
    private INDArray asInput(INDArray x) {
        if (x == null) {
            throw new IllegalArgumentException("x is null; pass a batch of shape [batch, " + join(inputShape) + "]");
        }
        boolean fits = x.rank() == inputShape.length + 1;
        for (int i = 0; fits && i < inputShape.length; i++) {
            fits = x.size(i + 1) == inputShape[i];
        }
        if (!fits) {
            throw new IllegalArgumentException("expected input of shape [batch, " + join(inputShape) + "], got "
                    + Arrays.toString(x.shape()) + "; pass " + Arrays.toString(inputShape) + " values per example");
        }
        if (x.size(0) == 0) { // nothing to compute (an empty array has no buffer to copy)
            return x;
        }
        boolean contiguous = x.dataType() == dataType && x.length() == x.data().length();
        // a first layer that reads row-major x (a dense layer, through BLAS; an embedding) takes it as it is
        if (contiguous && (x.ordering() == 'f' || (x.ordering() == 'c' && chain.layers.get(0).acceptsRowMajorInput()))) {
            return x;
        }
        if (inputBuffer == null || inputBuffer.size(0) != x.size(0)) {
            if (inputBuffer != null) {
                inputBuffer.close();
                inputBuffer = null;
            }
            long[] shape = x.shape();
            NativeMemory.require("the model's copy of a batch of " + shape[0] + " examples " + Arrays.toString(shape),
                    NativeMemory.bytes("input " + Arrays.toString(shape), x.length(), dataType.width()));
            inputBuffer = Nd4j.create(dataType, shape, 'f');
        }
        inputBuffer.assign(x);
        return inputBuffer;
    }

    private static String join(long[] s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            sb.append(i > 0 ? ", " : "").append(s[i]);
        }
        return sb.toString();
    }

    /**
     * A table of the layers with their output shapes and parameter counts, and the totals.
     *
     * @return the table, one line per layer
     */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-4s %-22s %-16s %12s%n", "#", "layer", "output shape", "parameters"));
        sb.append(String.format(Locale.ROOT, "%-4s %-22s %-16s %12s%n", "", "input", Arrays.toString(inputShape), ""));
        for (int i = 0; i < chain.layers.size(); i++) {
            String name = chain.layers.get(i).summaryName();
            sb.append(String.format(Locale.ROOT, "%-4d %-22s %-16s %,12d%n", i, name,
                    Arrays.toString(chain.shapes[i + 1]), chain.offsets[i + 1] - chain.offsets[i]));
        }
        sb.append(String.format(Locale.ROOT, "total parameters: %,d (%s, %,d bytes)%n", parameterCount(),
                dataType == DataType.FLOAT ? "float32" : "float64", parameterCount() * dataType.width()));
        return sb.toString();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this model is closed; build or load a new one");
        }
    }

    /**
     * Frees θ, ∇θ and every working buffer; later calls throw {@link IllegalStateException}.
     * Idempotent.
     *
     * @throws IllegalStateException when another thread is using or holding the model, or this
     *                               thread is inside a call on it or holds it (nothing is freed
     *                               then: close it after that ends)
     */
    @Override
    public void close() {
        if (user.get() == Thread.currentThread()) {
            throw new IllegalStateException("close() was called while this thread holds the model (" + use
                    + "); close it after that ends (after the hold is closed, or fit returns)");
        }
        enter("close()");
        try {
            if (closed) {
                return;
            }
            closed = true;
            chain.close();
            if (ownsParameters) {
                params.close();
                grads.close();
            }
            if (inputBuffer != null) {
                inputBuffer.close();
            }
        } finally {
            exit();
        }
    }

    // ------------------------------------------------------------ one thread at a time

    /**
     * Reserves this model for the calling thread until the returned hold is closed (on that
     * thread): meanwhile every call on the model from another thread throws
     * {@link IllegalStateException} naming {@code purpose}, while this thread's own calls go
     * through (it may hold again, nested). A {@code Trainer} holds the model for a whole fit, so
     * that no other thread predicts from θ while the optimiser writes it; hold it likewise for
     * work of your own that spans several calls (updating θ through {@link #parameters()}, say).
     *
     * <pre>{@code
     * try (Model.Hold hold = model.hold("fine-tuning")) {
     *     model.parameters().muli(0.5);
     * }
     * }</pre>
     *
     * @param purpose what this thread does with the model, for other threads' messages
     *                ("training (Trainer.fit)")
     * @return the hold, to close on this thread
     * @throws IllegalArgumentException when purpose is null or blank
     * @throws IllegalStateException    when the model is closed, or another thread is using or holding it
     */
    public Hold hold(String purpose) {
        if (purpose == null || purpose.isBlank()) {
            throw new IllegalArgumentException("purpose must say what the thread does with the model, for example "
                    + "\"training (Trainer.fit)\". Received: " + (purpose == null ? "null" : "\"" + purpose + "\""));
        }
        enter(purpose);
        try {
            checkOpen();
        } catch (RuntimeException e) {
            exit();
            throw e;
        }
        return new ThreadHold(Thread.currentThread());
    }

    /** A model reserved for one thread, until closed ({@link #hold}). */
    public interface Hold extends AutoCloseable {
        /**
         * Lets go of the model, on the thread that took it; idempotent.
         *
         * @throws IllegalStateException when called from another thread
         */
        @Override
        void close();
    }

    private final class ThreadHold implements Hold {
        private final Thread owner;
        private boolean released;

        ThreadHold(Thread owner) {
            this.owner = owner;
        }

        @Override
        public void close() {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a model hold is closed by the thread that took it ('" + owner.getName()
                        + "'); this is '" + Thread.currentThread().getName() + "'");
            }
            if (!released) {
                released = true;
                exit();
            }
        }
    }

    /**
     * Marks the calling thread as using the model for {@code what} (nested calls of the same
     * thread count up): a compare-and-set when it starts, so that two threads never run the
     * model's buffers at once.
     *
     * @throws IllegalStateException when another thread is using or holding the model
     */
    private void enter(String what) {
        Thread me = Thread.currentThread();
        Thread u = user.get();
        if (u == me) {
            depth++;
            return;
        }
        if (u != null || !user.compareAndSet(null, me)) {
            throw inUse(what);
        }
        use = what;
        depth = 1;
    }

    /** Ends the calling thread's innermost {@link #enter}; the outermost lets the model go. */
    private void exit() {
        if (--depth == 0) {
            user.setRelease(null);
        }
    }

    /** Throws when another thread is using or holding the model now. */
    private void checkNotInUse(String what) {
        Thread u = user.get();
        if (u != null && u != Thread.currentThread()) {
            throw inUse(what);
        }
    }

    private IllegalStateException inUse(String what) {
        Thread other = user.get();
        String doing = use;
        return new IllegalStateException("a Model is used by one thread at a time: thread '" + Thread.currentThread().getName()
                + "' called " + what + " while thread '" + (other == null ? "(another, just done)" : other.getName())
                + "' was using it (" + doing + "). To predict from several threads, share one model.predictor() "
                + "(safe for any number of threads) or give each thread its own model; to predict while training, "
                + "make a predictor first and predict with it");
    }

    // ------------------------------------------------------------ classifiers on plain arrays

    /**
     * The class of each example: the index of its largest output (the first on ties; NaN outputs
     * are passed over, {@link dev.aiaas.core.math.MathOps#argmax}). The same
     * class whether the model ends in logits or in a softmax (softmax keeps the order).
     *
     * @param x {@code n >= 1} examples, each {@code inputShape} values row-major (784 for
     *          {@code builder(784)}); not modified
     * @return {@code n} class indices in {@code [0, k)}, k the model's outputs per example
     * @throws IllegalArgumentException naming the row when a row is null or of the wrong length
     * @throws IllegalStateException    when the model does not give one score per class (its
     *                                  output is not a vector of at least 2 values)
     */
    public int[] predictClass(float[][] x) {
        float[][] scores = predictScores(x);
        int[] out = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = MathOps.argmax(scores[i]);
        }
        return out;
    }

    /**
     * The class probabilities of each example. A model whose last layer has the activation
     * {@code softmax} (its {@code config()} entry {@code activation}: a dense or activation layer)
     * gives them already, and they are returned as computed; only the last layer is looked at, so
     * a softmax followed by another layer (even one that is the identity at inference, as
     * dropout) is taken for logits. Otherwise the
     * outputs are taken as logits z (as a model trained with a softmax cross-entropy loss gives)
     * and turned into {@code p_i = e^(z_i − max z) / Σ_j e^(z_j − max z)}.
     *
     * @param x {@code n >= 1} examples, each {@code inputShape} values row-major; not modified
     * @return {@code [n][k]} probabilities, each row summing to 1 (to float32 rounding)
     * @throws IllegalArgumentException naming the row when a row is null or of the wrong length
     * @throws IllegalStateException    when the model does not give one score per class
     */
    public float[][] predictProba(float[][] x) {
        float[][] scores = predictScores(x);
        Layer last = chain.layers.get(chain.layers.size() - 1);
        if ("softmax".equals(String.valueOf(last.config().get("activation")))) {
            return scores;
        }
        double[] row = new double[scores[0].length];
        for (float[] z : scores) {
            for (int j = 0; j < row.length; j++) {
                row[j] = z[j];
            }
            MathOps.softmax(row, row.length);
            for (int j = 0; j < row.length; j++) {
                z[j] = (float) row[j];
            }
        }
        return scores;
    }

    /** The outputs {@code [n][k]} of a classifier for plain-array rows, checked. */
    private float[][] predictScores(float[][] x) {
        checkOpen();
        long[] out = chain.out();
        if (out.length != 1 || out[0] < 2) {
            throw new IllegalStateException("predictClass and predictProba need a classifier with one score per class "
                    + "(an output of k >= 2 values per example); this model outputs " + Arrays.toString(out)
                    + " per example. Use predict(INDArray) for its raw outputs");
        }
        if (x == null || x.length == 0) {
            throw new IllegalArgumentException("x has " + (x == null ? "no array (null)" : "no rows")
                    + "; expected at least one example");
        }
        long width = Predictor.product(inputShape);
        float[] flat = new float[Math.multiplyExact(x.length, (int) width)];
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null || x[i].length != width) {
                throw new IllegalArgumentException("x[" + i + "] has " + (x[i] == null ? "no array (null)" : x[i].length
                        + " values") + "; expected " + width + " (the model's input shape " + Arrays.toString(inputShape)
                        + "). Give every row " + width + " values");
            }
            System.arraycopy(x[i], 0, flat, (int) (i * width), (int) width);
        }
        long[] shape = new long[inputShape.length + 1];
        shape[0] = x.length;
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        try (INDArray in = Nd4j.create(flat, shape, DataType.FLOAT); INDArray y = predict(in)) {
            return y.reshape(x.length, out[0]).toFloatMatrix();
        }
    }
}
