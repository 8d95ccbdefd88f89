package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;
import dev.aiaas.core.internal.DenseKernel;
import dev.aiaas.core.internal.DenseKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@link Predictor}'s packed path, planned: a model as a list of steps on a chunk's
 * row-major rows, which {@link PackedExecutor} runs. Each layer describes itself through
 * {@link PackedLayer#pack} ({@link PackedSteps}); the rules about neighbours are the plan's:
 * <ul>
 *   <li>a dense product with ReLU or no activation is one step, with another activation two
 *       (softmax included);</li>
 *   <li>a ReLU right after a dense product without activation is fused into it;</li>
 *   <li>a scale and shift (batch normalisation at inference) right after a dense product without
 *       activation is folded into its W and b ({@code W'[:, c] = W[:, c]·s_c},
 *       {@code b'_c = b_c·s_c + t_c}), and anywhere else is a step of its own;</li>
 *   <li>a residual block is a save of the rows, its layers' steps and an add; nothing fuses or
 *       folds across its ends;</li>
 *   <li>no step is the identity (dropout at inference, an identity activation).</li>
 * </ul>
 * A model is planned when it is float32 on flat examples and every layer, nested ones included,
 * is a {@link PackedLayer}; else {@link #why()} says what stops it.
 */
final class PackedPlan {

    /** One step of the packed path, on a chunk's row-major block of {@code cols} features per row. */
    sealed interface Step permits DenseStep, ActStep, SoftmaxStep, NormStep, ScaleStep, SaveStep, AddStep {
    }

    /** A dense layer, its W packed, with ReLU or no activation fused: [n, in] (stride ld of the input) -> [n, units] (stride ld). */
    record DenseStep(int in, int units, int ld, float[] w, float[] bias, boolean relu) implements Step {
    }

    /** An activation other than ReLU after a dense layer, or an activation layer, in place. */
    record ActStep(DenseKernel.Fn fn, float alpha, int cols) implements Step {
    }

    /** Softmax over each row, in place. */
    record SoftmaxStep(int cols) implements Step {
    }

    /** Layer normalisation of each row, in place. */
    record NormStep(int cols, float[] gamma, float[] beta, float epsilon) implements Step {
    }

    /** A scale and shift that follows no dense layer without activation (batch normalisation at inference): y ⊙ scale + shift, in place. */
    record ScaleStep(int cols, float[] scale, float[] shift) implements Step {
    }

    /** A residual block's start: the chunk's rows saved in buffer {@code depth} (nesting level) for {@link AddStep}. */
    record SaveStep(int depth, int cols) implements Step {
    }

    /** A residual block's end: y = x + g(x), the rows saved by the matching {@link SaveStep} added in place. */
    record AddStep(int depth, int cols) implements Step {
    }

    /** The steps, in order; null when the model cannot be packed. */
    final Step[] steps;
    /** Why the model cannot be packed, or null when it can. */
    private final String why;
    /** Whether the first step works in place, so that a caller's float[] x is copied first. */
    final boolean copyInput;
    /**
     * The row stride of the lane buffers: {@link DenseKernel#ROW_STRIDE} when every width in the
     * model fits (the kernels read rows that far apart fastest), else the widest padded width.
     */
    final int maxLd;
    /** The row stride of a chunk's copy of x: {@link DenseKernel#ROW_STRIDE} at the fixed stride, else the input's width. */
    final int xld;
    /** The residual nesting depth (the number of saved-rows buffers per lane) and the widest block. */
    final int depths;
    final int savedCols;

    private PackedPlan(String why) {
        this.why = why;
        this.steps = null;
        this.copyInput = false;
        this.maxLd = this.xld = this.depths = this.savedCols = 0;
    }

    private PackedPlan(Step[] planned, int inSize) {
        this.why = null;
        this.copyInput = planned.length == 0 || !(planned[0] instanceof DenseStep);
        int ld = inSize;
        int depth = 0;
        int cols = 0;
        for (Step st : planned) {
            if (st instanceof DenseStep d) {
                ld = Math.max(ld, d.ld);
            } else if (st instanceof SaveStep sv) {
                depth = Math.max(depth, sv.depth + 1);
                cols = Math.max(cols, sv.cols);
            }
        }
        if (ld <= DenseKernel.ROW_STRIDE) { // every buffer's rows ROW_STRIDE apart
            ld = DenseKernel.ROW_STRIDE;
            for (int i = 0; i < planned.length; i++) {
                if (planned[i] instanceof DenseStep d) {
                    planned[i] = new DenseStep(d.in, d.units, ld, d.w, d.bias, d.relu);
                }
            }
        }
        this.steps = planned;
        this.maxLd = ld;
        this.xld = ld == DenseKernel.ROW_STRIDE ? ld : inSize;
        this.depths = depth;
        this.savedCols = cols;
    }

    /** Why the packed path cannot take the model, or null when it can. */
    String why() {
        return why;
    }

    /**
     * Plans {@code model} for {@code kernel} (its panel width and vector lanes), from θ as it is
     * now.
     *
     * @return the plan, or one whose {@link #why()} says why there is none
     * @throws IllegalArgumentException when a {@link PackedLayer} describes itself inconsistently
     *                                  (an array of the wrong length, steps that do not give its
     *                                  output width)
     */
    static PackedPlan of(Model model, DenseKernel kernel) {
        if (model.dataType() != DataType.FLOAT) {
            return new PackedPlan("the packed kernel computes in float32; this model is " + model.dataType());
        }
        if (model.inputShape().length != 1) {
            return new PackedPlan("the packed kernel takes examples of one dimension of features; this model's are "
                    + Arrays.toString(model.inputShape()));
        }
        Builder b = new Builder(model.parameters());
        try {
            b.layers(model.layers(), model.inputShape(), 0, "");
        } catch (Unpackable e) {
            return new PackedPlan(e.getMessage());
        }
        Step[] out = new Step[b.raw.size()];
        for (int i = 0; i < out.length; i++) {
            if (b.raw.get(i) instanceof RawDense d) {
                int ld = DenseKernels.padded(d.units, kernel.lanes());
                out[i] = new DenseStep(d.in, d.units, ld, DenseKernels.pack(d.w, d.in, d.units, kernel.panel(), kernel.lanes()),
                        Arrays.copyOf(d.bias, ld), d.relu);
            } else {
                out[i] = (Step) b.raw.get(i);
            }
        }
        return new PackedPlan(out, Math.toIntExact(model.inputShape()[0]));
    }

    /** A dense layer before packing, W column-major [in, units] (θ's layout), so that a scale and shift can fold into it. */
    private record RawDense(int in, int units, float[] w, float[] bias, boolean relu) {
    }

    /** A layer the packed path cannot run: the message says which and why. */
    private static final class Unpackable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unpackable(String message) {
            super(message, null, false, false);
        }
    }

    /** Collects the steps the layers describe, applying the neighbour rules as they come. */
    private static final class Builder implements PackedSteps {
        /** θ, read a layer's slice at a time. */
        private final Buf theta;
        /** RawDense or Step, in order. */
        final List<Object> raw = new ArrayList<>();
        /** The current row width. */
        private int width;
        /** The residual nesting level of the steps being added. */
        private int depth;
        /**
         * The layer describing itself: its input shape; where the next residual step's layers'
         * parameters start in θ (its slice's start, then after each block) and where its slice
         * ends; and where it is, for messages.
         */
        private long[] shape;
        private long cursor;
        private long end;
        private String where;

        Builder(INDArray theta) {
            this.theta = Buf.of(theta);
        }

        /**
         * Adds the steps of {@code layers} (input shape {@code shape}, parameters from
         * {@code offset} in θ; {@code where} names their container for messages, "" at the top).
         */
        void layers(List<Layer> layers, long[] shape, long offset, String where) {
            for (int i = 0; i < layers.size(); i++) {
                Layer layer = layers.get(i);
                if (!(layer instanceof PackedLayer packed)) {
                    throw new Unpackable("the packed kernel takes layers with a packed form (PackedLayer: dense, activation, dropout, "
                            + "batch_norm, layer_norm, residual, or one of your own); " + where + "layer " + i + " is " + layer.type());
                }
                long[] out = layer.outputShape(shape);
                if (out.length != 1) {
                    throw new Unpackable("the packed kernel takes layers with flat outputs; " + where + "layer " + i + " ("
                            + layer.type() + ") gives " + Arrays.toString(out));
                }
                int count = Math.toIntExact(layer.parameterCount(shape));
                float[] params = new float[count];
                theta.read(Math.toIntExact(offset), params, count);
                this.shape = shape;
                this.cursor = offset;
                this.end = offset + count;
                this.where = where + "layer " + i + " (" + layer.type() + "), ";
                this.width = Math.toIntExact(shape[0]);
                packed.pack(shape.clone(), params, this);
                if (width != out[0]) {
                    throw new IllegalArgumentException("layer " + layer.type() + "'s packed steps give rows of " + width
                            + " features, its outputShape " + out[0] + "; fix its pack(...)");
                }
                offset += count;
                shape = out;
            }
        }

        /** The last step so far when it is a dense product without activation, else null. */
        private RawDense plainDense() {
            Object last = raw.isEmpty() ? null : raw.get(raw.size() - 1);
            return last instanceof RawDense d && !d.relu ? d : null;
        }

        private void checkLength(String what, int length, long expected) {
            if (length != expected) {
                throw new IllegalArgumentException(what + " must hold " + expected + " values for rows of " + width + " features; got "
                        + length + " (" + where + "fix its pack(...))");
            }
        }

        @Override
        public void dense(int units, float[] w, float[] bias, Activation f) {
            if (units < 1 || f == null) {
                throw new IllegalArgumentException("a dense step needs units >= 1 and an activation. Received: units=" + units + ", f=" + f);
            }
            checkLength("W", w.length, (long) width * units);
            checkLength("b", bias.length, units);
            raw.add(new RawDense(width, units, w, bias, f.equals(Activation.RELU)));
            width = units;
            if (!f.equals(Activation.RELU) && !f.equals(Activation.IDENTITY)) {
                raw.add(activationStep(f, units));
            }
        }

        @Override
        public void activation(Activation f) {
            RawDense plain = plainDense();
            if (f.equals(Activation.RELU) && plain != null) {
                raw.set(raw.size() - 1, new RawDense(plain.in, plain.units, plain.w, plain.bias, true));
            } else if (!f.equals(Activation.IDENTITY)) {
                raw.add(activationStep(f, width));
            }
        }

        @Override
        public void scaleShift(double[] scale, double[] shift) {
            checkLength("scale", scale.length, width);
            checkLength("shift", shift.length, width);
            RawDense plain = plainDense();
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
        }

        @Override
        public void layerNorm(float[] gamma, float[] beta, double epsilon) {
            checkLength("gamma", gamma.length, width);
            checkLength("beta", beta.length, width);
            raw.add(new NormStep(width, gamma, beta, (float) epsilon));
        }

        @Override
        public void residual(List<Layer> layers) {
            if (layers == null || layers.isEmpty()) {
                throw new IllegalArgumentException("a residual step needs at least one layer (" + where + "fix its pack(...))");
            }
            long[] blockShape = shape;
            long blockStart = cursor;
            long layerEnd = end;
            String blockWhere = where;
            long blockCount = 0;
            long[] s = blockShape;
            for (Layer l : layers) {
                blockCount += l.parameterCount(s);
                s = l.outputShape(s);
            }
            if (blockStart + blockCount > layerEnd) {
                throw new IllegalArgumentException("a residual step's layers have " + blockCount + " parameters, more than the "
                        + (layerEnd - blockStart) + " left in the layer's slice of θ (" + blockWhere + "fix its pack(...) or its parameterCount)");
            }
            int cols = width;
            int level = depth;
            raw.add(new SaveStep(level, cols));
            depth = level + 1;
            layers(layers, blockShape, blockStart, blockWhere);
            depth = level;
            if (width != cols) {
                throw new IllegalArgumentException("a residual block's layers must keep the width " + cols + "; they give " + width
                        + " (" + blockWhere + ")");
            }
            raw.add(new AddStep(level, cols));
            shape = blockShape; // the layer that called may describe more steps
            cursor = blockStart + blockCount;
            end = layerEnd;
            where = blockWhere;
        }

        private static Step activationStep(Activation f, int cols) {
            return switch (f.name()) {
                case "softmax" -> new SoftmaxStep(cols);
                case "relu" -> new ActStep(DenseKernel.Fn.RELU, 0, cols);
                case "leaky_relu" -> new ActStep(DenseKernel.Fn.LEAKY_RELU, (float) f.alpha(), cols);
                case "gelu" -> new ActStep(DenseKernel.Fn.GELU, 0, cols);
                case "gelu_erf" -> new ActStep(DenseKernel.Fn.GELU_ERF, 0, cols);
                case "tanh" -> new ActStep(DenseKernel.Fn.TANH, 0, cols);
                case "sigmoid" -> new ActStep(DenseKernel.Fn.SIGMOID, 0, cols);
                default -> throw new IllegalStateException("no packed step for " + f);
            };
        }
    }
}
