package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A lookup table from token ids to vectors: y[t] = W[x[t]] (Bengio et al. 2003).
 *
 * <p>Shapes: per example x {@code [T]} (token ids in {@code [0, inputDim)}, stored as numbers of
 * the model's type), y {@code [T, outputDim]}; W {@code [inputDim, outputDim]}, in θ in
 * column-major order ({@code inputDim·outputDim} parameters). A batch x {@code [B, T]} may be in
 * either order; y is {@code [B, T, outputDim]} in 'f' order.
 *
 * <p>Gradients: ∂L/∂W[v, :] = Σ over the positions (b, t) with x[b, t] = v of ∂L/∂y[b, t, :].
 * Ids are not differentiable: ∂L/∂x is 0.
 *
 * @param inputDim    the number of ids (the vocabulary size), at least 1
 * @param outputDim   the vector width E, at least 1
 * @param initializer how W is initialised (fan-in inputDim, fan-out outputDim)
 */
public record Embedding(int inputDim, int outputDim, Initializer initializer) implements Layer {

    /**
     * Validates the settings.
     *
     * @param inputDim    the number of ids, at least 1
     * @param outputDim   the vector width, at least 1
     * @param initializer how W is initialised
     */
    public Embedding {
        if (inputDim < 1) {
            throw new IllegalArgumentException("inputDim (the number of token ids) must be a positive integer. Received: inputDim="
                    + inputDim + "; pass the vocabulary size");
        }
        if (outputDim < 1) {
            throw new IllegalArgumentException("outputDim must be a positive integer. Received: outputDim=" + outputDim);
        }
        if (initializer == null) {
            throw new NullPointerException("initializer must not be null; use Initializer.glorotUniform()");
        }
    }

    @Override
    public String type() {
        return "embedding";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return new long[] {length(inputShape), outputDim};
    }

    @Override
    public long parameterCount(long[] inputShape) {
        length(inputShape);
        return (long) inputDim * outputDim;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input_dim", inputDim);
        m.put("output_dim", outputDim);
        m.put("initializer", initializer.name());
        m.put("initializer_value", initializer.value());
        return m;
    }

    /** True: it reads its ids in either order. */
    @Override
    public boolean acceptsRowMajorInput() {
        return true;
    }

    private static long length(long[] inputShape) {
        if (inputShape.length != 1 || inputShape[0] < 1) {
            throw new IllegalArgumentException("embedding expects a sequence of token ids, input shape [T], got "
                    + Arrays.toString(inputShape) + "; build the model with Model.builder(T)");
        }
        return inputShape[0];
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        return new Instance(Math.toIntExact(length(inputShape)), dataType);
    }

    private final class Instance implements Layer.Instance {
        private final int steps;
        private final Workspace ws;
        private INDArray w;
        private INDArray dw;
        private int[] ids = new int[0];

        /** [B, T, E], B set per call (no array made per step). */
        private final long[] shape;

        Instance(int steps, DataType dataType) {
            this.steps = steps;
            this.shape = new long[] {0, steps, outputDim};
            this.ws = new Workspace(dataType);
        }

        @Override
        public void bind(INDArray params, INDArray grads) {
            long n = (long) inputDim * outputDim;
            w = params.get(NDArrayIndex.interval(0, n));
            dw = grads.get(NDArrayIndex.interval(0, n));
        }

        @Override
        public void initialise(SplittableRandom random) {
            initializer.fill(Buf.of(w), 0, inputDim * outputDim, inputDim, outputDim, random);
        }

        /** Reads x's ids into {@code ids}, position p = b + B·t, checking each. */
        private int read(INDArray x) {
            int batch = (int) x.size(0);
            int n = batch * steps;
            if (ids.length < n) {
                ids = new int[n];
            }
            Buf xb = Buf.of(x);
            boolean f = x.ordering() == 'f' || steps == 1;
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < steps; t++) {
                    double v = xb.get(f ? b + batch * t : b * steps + t);
                    int id = (int) v;
                    if (id != v || id < 0 || id >= inputDim) {
                        throw new IllegalArgumentException("token id " + v + " at example " + b + ", position " + t
                                + " is not an integer in [0, " + (inputDim - 1) + "]: the embedding has inputDim=" + inputDim
                                + " rows; encode tokens with the vocabulary the model was built for");
                    }
                    ids[b + batch * t] = id;
                }
            }
            return batch;
        }

        @Override
        public INDArray forward(INDArray x, boolean training) {
            int batch = read(x);
            int n = batch * steps;
            shape[0] = batch;
            INDArray y = ws.array("y", shape);
            Buf yb = Buf.of(y);
            Buf wb = Buf.of(w);
            for (int e = 0; e < outputDim; e++) {
                int out = e * n;
                int col = e * inputDim;
                for (int p = 0; p < n; p++) {
                    yb.set(out + p, wb.get(col + ids[p]));
                }
            }
            return y;
        }

        @Override
        public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
            int batch = read(x);
            int n = batch * steps;
            Buf g = Buf.of(dw);
            for (int i = 0, len = inputDim * outputDim; i < len; i++) {
                g.set(i, 0);
            }
            Buf d = Buf.of(dy);
            for (int e = 0; e < outputDim; e++) {
                int in = e * n;
                int col = e * inputDim;
                for (int p = 0; p < n; p++) {
                    g.add(col + ids[p], d.get(in + p));
                }
            }
            return needInput ? ws.matrix("dx", batch, steps) : null; // zeros: ids are not differentiable
        }

        @Override
        public void close() {
            ws.close();
        }
    }
}
