package dev.aiaas.core.nn;

import dev.aiaas.core.backend.NativeMemory;
import dev.aiaas.core.math.Buf;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@link Predictor}'s copy path: a copy of the model (its own native θ) running its forward
 * pass on ND4J and BLAS, exactly as {@link Model#predict(INDArray)} does. For every model the
 * packed path does not take; {@link #describe()} says why not. Each call computes on a
 * {@link Model#sharing sharing} model of its own, lent by a {@link ScratchPool}: its own layer
 * instances and working buffers over the copy's θ, which inference only reads; so calls from
 * several threads run side by side and give what one thread alone would, bit for bit. The copy's
 * θ is freed after the last of them is closed.
 */
final class CopyExecutor implements PredictorExecutor {
    private final long[] inputShape;
    private final DataType dataType;
    private final String why;
    private final ScratchPool<Model> pool;

    /**
     * @param model    the model to copy
     * @param why      why it is not packed, for {@link #describe()}
     * @param maxCalls the most calls computing at once (sharing models made)
     */
    CopyExecutor(Model model, String why, int maxCalls) {
        Model copy = copyOf(model);
        this.inputShape = model.inputShape();
        this.dataType = model.dataType();
        this.why = why;
        try {
            this.pool = new ScratchPool<>(maxCalls, () -> Model.sharing(copy), copy::close, Predictor.CLOSED);
            pool.give(pool.take()); // the first call's, made now
        } catch (RuntimeException | Error e) {
            copy.close();
            throw e;
        }
    }

    private static Model copyOf(Model model) {
        Model.Builder b = Model.builder(model.inputShape()).dataType(model.dataType()).seed(model.seed());
        model.layers().forEach(b::add);
        Model m = b.build();
        try {
            m.parameters().assign(model.parameters());
        } catch (RuntimeException | Error e) {
            m.close();
            throw e;
        }
        return m;
    }

    @Override
    public INDArray predict(INDArray x) {
        Model m = pool.take();
        try {
            return m.predict(x);
        } finally {
            pool.give(m);
        }
    }

    @Override
    public INDArray predict(INDArray x, INDArray out) {
        Model m = pool.take();
        try {
            return m.predict(x, out);
        } finally {
            pool.give(m);
        }
    }

    @Override
    public void predict(float[] x, int batch, float[] out) {
        if (batch == 0) {
            return;
        }
        long[] xs = new long[inputShape.length + 1];
        xs[0] = batch;
        System.arraycopy(inputShape, 0, xs, 1, inputShape.length);
        NativeMemory.require("a copy of a batch of " + batch + " examples " + Arrays.toString(xs),
                NativeMemory.bytes("input " + Arrays.toString(xs), x.length, Float.BYTES));
        Model m = pool.take();
        try (INDArray xa = Nd4j.create(x, xs, 'c');
             INDArray y = m.predict(xa)) {
            Buf yb = Buf.of(y);
            if (dataType == DataType.FLOAT) {
                yb.read(0, out, out.length);
            } else { // a float64 model's outputs, rounded to float32
                double[] d = new double[out.length];
                yb.read(0, d, d.length);
                for (int i = 0; i < d.length; i++) {
                    out[i] = (float) d[i];
                }
            }
        } finally {
            pool.give(m);
        }
    }

    @Override
    public int maxCalls() {
        return pool.max();
    }

    /** The sharing models alive, for tests. */
    int scratches() {
        return pool.alive();
    }

    @Override
    public String describe() {
        return "copy of the model (ND4J/BLAS): " + why;
    }

    /** Refuses later calls; closes the idle sharing models now, the others as their calls end, and the copy's θ after the last. */
    @Override
    public void close() {
        pool.close();
    }
}
