package dev.aiaas.core.internal;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Internal, not API. An ND4J op built once over fixed arrays and run many times. Building an op
 * per call makes ND4J allocate small native argument buffers each time (measured: BiasAdd one
 * pointer per call, relu_bp eight bytes), which only the garbage collector frees; a prepared op
 * with its own {@link OpContext} allocates nothing per run, and {@link #close()} frees its
 * context.
 */
public final class PreparedOp implements AutoCloseable {
    private final Op legacy;
    private final CustomOp custom;
    private final OpContext context;
    private final INDArray[] arrays;

    private PreparedOp(Op legacy, CustomOp custom, OpContext context, INDArray[] arrays) {
        this.legacy = legacy;
        this.custom = custom;
        this.context = context;
        this.arrays = arrays;
    }

    /** A legacy (scalar, transform) op, whose arrays are fixed at construction. */
    public static PreparedOp of(Op op, INDArray... arrays) {
        return new PreparedOp(op, null, null, arrays.clone());
    }

    /**
     * A custom op run through its own context.
     *
     * @param inputs  the op's inputs, in order
     * @param outputs the op's outputs, in order
     * @param tArgs   its floating-point arguments
     * @param bArgs   its boolean arguments
     */
    public static PreparedOp of(CustomOp op, INDArray[] inputs, INDArray[] outputs, double[] tArgs, boolean[] bArgs) {
        OpContext ctx = Nd4j.getExecutioner().buildContext();
        ctx.setInputArrays(inputs);
        ctx.setOutputArrays(outputs);
        if (tArgs.length > 0) {
            ctx.setTArguments(tArgs);
        }
        if (bArgs.length > 0) {
            ctx.setBArguments(bArgs);
        }
        INDArray[] all = Arrays.copyOf(inputs, inputs.length + outputs.length);
        System.arraycopy(outputs, 0, all, inputs.length, outputs.length);
        return new PreparedOp(null, op, ctx, all);
    }

    /** Whether this op was built over exactly these arrays (the same objects, in order). */
    public boolean over(INDArray... candidates) {
        if (candidates.length != arrays.length) {
            return false;
        }
        for (int i = 0; i < arrays.length; i++) {
            if (arrays[i] != candidates[i]) {
                return false;
            }
        }
        return true;
    }

    /** Runs the op. */
    public void exec() {
        if (custom != null) {
            Nd4j.getExecutioner().exec(custom, context);
        } else {
            Nd4j.getExecutioner().exec(legacy);
        }
    }

    /** Frees the op's context. */
    @Override
    public void close() {
        if (context != null) {
            try {
                context.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close an ND4J op context: " + e.getMessage(), e);
            }
        }
    }
}
