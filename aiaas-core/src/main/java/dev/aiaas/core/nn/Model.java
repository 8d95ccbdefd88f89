package dev.aiaas.core.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.internal.Buf;
import dev.aiaas.core.internal.DenseKernels;

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
 * Not thread-safe: one model serves one thread at a time.
 */
public final class Model implements AutoCloseable {

    private final long[] inputShape;
    private final DataType dataType;
    private final long seed;
    private final Chain chain;
    private final INDArray params;
    private final INDArray grads;
    private INDArray inputBuffer;
    private boolean closed;

    private Model(long[] inputShape, List<Layer> layers, DataType dataType, long seed) {
        Backends.current();
        this.inputShape = inputShape.clone();
        this.dataType = dataType;
        this.seed = seed;
        this.chain = new Chain(layers, inputShape, dataType);
        long p = Math.max(1, chain.parameterCount());
        this.params = Nd4j.create(dataType, new long[] {p}, 'c');
        this.grads = Nd4j.create(dataType, new long[] {p}, 'c');
        chain.bind(params, grads);
        chain.initialise(new SplittableRandom(seed));
    }

    /** Starts a model whose examples have the given shape, for example {@code builder(784)}. */
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

        /** Appends a layer. */
        public Builder add(Layer layer) {
            if (layer == null) {
                throw new NullPointerException("layer must not be null");
            }
            layers.add(layer);
            return this;
        }

        /** FLOAT (float32, the default) or DOUBLE (float64, for gradient checks). */
        public Builder dataType(DataType dataType) {
            if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
                throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE. Received: " + dataType);
            }
            this.dataType = dataType;
            return this;
        }

        /** The seed of the parameters' initialisation (default 0): same seed, same parameters. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Creates the model with initialised parameters.
         *
         * @throws IllegalArgumentException when there is no layer or a layer cannot take its input shape
         */
        public Model build() {
            if (layers.isEmpty()) {
                throw new IllegalArgumentException("a model needs at least one layer: call add(Layers.dense(...)) before build()");
            }
            return new Model(inputShape, layers, dataType, seed);
        }
    }

    /** The shape of one input example. */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /** The shape of one output example. */
    public long[] outputShape() {
        return chain.outputShape().clone();
    }

    /** FLOAT or DOUBLE. */
    public DataType dataType() {
        return dataType;
    }

    /** The initialisation seed. */
    public long seed() {
        return seed;
    }

    /** The layers, in order. */
    public List<Layer> layers() {
        return chain.layers;
    }

    /** P, the number of trainable parameters. */
    public long parameterCount() {
        return chain.parameterCount();
    }

    /**
     * Where the weight matrices W of the dense layers (nested ones in residual blocks and
     * time-distributed wrappers included) lie in θ: each range {@code [from, to)}, in layer order. Biases and the normalisation
     * layers' parameters are not in them. Used to regularise weights only.
     */
    public List<long[]> kernelSlices() {
        List<long[]> out = new ArrayList<>();
        kernelSlices(chain.layers, inputShape, 0, out);
        return out;
    }

    private static void kernelSlices(List<Layer> layers, long[] inputShape, long base, List<long[]> out) {
        long[] s = inputShape;
        long offset = base;
        for (Layer l : layers) {
            if (l instanceof Dense d) {
                out.add(new long[] {offset, offset + s[0] * d.units()}); // W comes first in a dense slice
            } else if (l instanceof Residual r) {
                kernelSlices(r.layers(), s, offset, out);
            } else if (l instanceof TimeDistributed td) {
                kernelSlices(List.of(td.layer()), new long[] {s[1]}, offset, out);
            }
            offset += l.parameterCount(s);
            s = l.outputShape(s);
        }
    }

    /**
     * Where the layers' untrained state lies in θ (the running mean and variance of each batch
     * normalisation, nested ones included): each range {@code [from, to)}, in layer order. Their
     * gradients are always 0; trainers put these values back after each optimiser step, so that
     * no update rule (AdamW's decoupled decay, say) moves them.
     */
    public List<long[]> stateSlices() {
        List<long[]> out = new ArrayList<>();
        stateSlices(chain.layers, inputShape, 0, out);
        return out;
    }

    private static void stateSlices(List<Layer> layers, long[] inputShape, long base, List<long[]> out) {
        long[] s = inputShape;
        long offset = base;
        for (Layer l : layers) {
            if (l instanceof BatchNorm) {
                long d = s[0];
                out.add(new long[] {offset + 2 * d, offset + 4 * d}); // after γ and β: running mean, running variance
            } else if (l instanceof Residual r) {
                stateSlices(r.layers(), s, offset, out);
            }
            offset += l.parameterCount(s);
            s = l.outputShape(s);
        }
    }

    /** θ: a live 1-D view of length P (writes change the model). */
    public INDArray parameters() {
        checkOpen();
        return params;
    }

    /** ∇θ from the last {@link #backward}: a live 1-D view of length P. */
    public INDArray gradients() {
        checkOpen();
        return grads;
    }

    /**
     * Predicts a batch: y = f(x; θ) with training behaviour off.
     *
     * @param x {@code [B, inputShape...]}, any order and floating type
     * @return {@code [B, outputShape...]}, a new array the caller owns
     */
    public INDArray predict(INDArray x) {
        return forward(x, false).dup('c');
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
     * @throws IllegalArgumentException when {@code out}'s shape, data type or layout does not fit;
     *                                  {@code out} is then left unchanged
     */
    public INDArray predict(INDArray x, INDArray out) {
        checkOpen();
        checkOutput(x.size(0), chain.outputShape(), dataType, out);
        INDArray y = forward(x, false);
        boolean vector = y.rank() == 1 || (y.rank() == 2 && (y.rows() == 1 || y.columns() == 1));
        if (y.ordering() == out.ordering() || vector) { // the same memory order
            copy(Buf.of(y), Buf.of(out), (int) y.length());
        } else if (y.rank() == 2 && y.ordering() == 'f') {
            copyTransposed(Buf.of(y), Buf.of(out), (int) y.rows(), (int) y.columns());
        } else {
            out.assign(y);
        }
        return out;
    }

    /**
     * Checks a caller's output buffer for a batch of {@code batch} examples of {@code shape}.
     *
     * @throws IllegalArgumentException naming the expected shape, type or layout and how to make it
     */
    static void checkOutput(long batch, long[] shape, DataType dataType, INDArray out) {
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
     */
    public Predictor predictor() {
        checkOpen();
        return Predictor.of(this, DenseKernels.VECTOR.orElse(null));
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
     */
    public INDArray forward(INDArray x, boolean training) {
        checkOpen();
        return chain.forward(asInput(x), training);
    }

    /** Back-propagates ∂L/∂y of the last training forward pass, filling {@link #gradients()}. */
    public void backward(INDArray dOutput) {
        checkOpen();
        chain.backward(dOutput, false);
    }

    private INDArray asInput(INDArray x) {
        if (x.rank() != inputShape.length + 1) {
            throw new IllegalArgumentException("expected input of shape [batch, " + join(inputShape) + "], got "
                    + Arrays.toString(x.shape()));
        }
        for (int i = 0; i < inputShape.length; i++) {
            if (x.size(i + 1) != inputShape[i]) {
                throw new IllegalArgumentException("expected input of shape [batch, " + join(inputShape) + "], got "
                        + Arrays.toString(x.shape()));
            }
        }
        boolean contiguous = x.dataType() == dataType && x.length() == x.data().length();
        // a dense first layer reads x only through BLAS, which takes either order without a copy;
        // an embedding reads its ids in either order
        Layer first = chain.layers.get(0);
        if (contiguous && (x.ordering() == 'f' || (x.ordering() == 'c' && (first instanceof Dense || first instanceof Embedding)))) {
            return x;
        }
        if (inputBuffer == null || inputBuffer.rows() != x.rows()) {
            if (inputBuffer != null) {
                inputBuffer.close();
            }
            inputBuffer = Nd4j.create(dataType, x.shape(), 'f');
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

    /** A table of the layers with their output shapes and parameter counts, and the totals. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-4s %-22s %-16s %12s%n", "#", "layer", "output shape", "parameters"));
        sb.append(String.format(Locale.ROOT, "%-4s %-22s %-16s %12s%n", "", "input", Arrays.toString(inputShape), ""));
        for (int i = 0; i < chain.layers.size(); i++) {
            Layer l = chain.layers.get(i);
            String name = l.type();
            Layer shown = l instanceof TimeDistributed td ? td.layer() : l;
            if (l != shown) {
                name += " (" + shown.type() + ")";
            }
            if (shown instanceof Dense d && !d.activation().equals(Activation.IDENTITY)) {
                name += " (" + d.activation() + ")";
            }
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

    /** Frees θ, ∇θ and every working buffer. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        chain.close();
        params.close();
        grads.close();
        if (inputBuffer != null) {
            inputBuffer.close();
        }
    }
}
