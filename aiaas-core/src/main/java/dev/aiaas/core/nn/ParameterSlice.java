package dev.aiaas.core.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * A range {@code [from, to)} of a layer's parameters that all play one {@link Role}, counted from
 * the start of the layer's own slice of θ ({@link Layer#parameterSlices}). {@link Model} shifts
 * them by the layer's offset in θ: {@link Model#kernelSlices()} lists the {@link Role#KERNEL}
 * ranges that a regulariser penalises, {@link Model#stateSlices()} the {@link Role#STATE} ranges
 * that no optimiser may move.
 *
 * <p>For example a dense layer {@code [in] -> [units]} reports
 * {@code [kernel(0, in·units), bias(in·units, in·units + units)]}; a batch normalisation over d
 * features {@code [other(0, 2d), state(2d, 4d)]} (γ and β, then the running mean and variance).
 *
 * @param role what the parameters are
 * @param from the first parameter, counted from the start of the layer's slice, at least 0
 * @param to   one past the last, greater than {@code from}
 */
public record ParameterSlice(Role role, long from, long to) {

    /** What a range of parameters is, for the parts of the library that treat parameters differently. */
    public enum Role {
        /**
         * Weights that a regulariser penalises ({@code Trainer.Builder.regularizer}): the dense
         * layers' W.
         */
        KERNEL,
        /** Trained offsets that no regulariser penalises: the dense layers' b, an LSTM's b. */
        BIAS,
        /**
         * Other trained parameters, not penalised: the normalisations' γ and β, an embedding's
         * table, an LSTM's W and U. A layer that reports no roles has all its parameters here.
         */
        OTHER,
        /**
         * State kept in θ but not trained: the layer writes it itself in its training forward
         * pass and writes 0 into its gradient entries, and trainers put it back after each
         * optimiser step so that no update rule moves it (batch normalisation's running mean and
         * variance).
         */
        STATE
    }

    /**
     * Validates the range.
     *
     * @param role what the parameters are
     * @param from the first, at least 0
     * @param to   one past the last, greater than {@code from}
     */
    public ParameterSlice {
        if (role == null) {
            throw new NullPointerException("role must not be null; for example ParameterSlice.Role.KERNEL");
        }
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("a parameter slice is a non-empty range [from, to) with from >= 0. Received: from="
                    + from + ", to=" + to);
        }
    }

    /**
     * {@code [from, to)} as a {@link Role#KERNEL}.
     *
     * @param from the first parameter
     * @param to   one past the last
     * @return the slice
     */
    public static ParameterSlice kernel(long from, long to) {
        return new ParameterSlice(Role.KERNEL, from, to);
    }

    /**
     * {@code [from, to)} as a {@link Role#BIAS}.
     *
     * @param from the first parameter
     * @param to   one past the last
     * @return the slice
     */
    public static ParameterSlice bias(long from, long to) {
        return new ParameterSlice(Role.BIAS, from, to);
    }

    /**
     * {@code [from, to)} as {@link Role#OTHER} trained parameters.
     *
     * @param from the first parameter
     * @param to   one past the last
     * @return the slice
     */
    public static ParameterSlice other(long from, long to) {
        return new ParameterSlice(Role.OTHER, from, to);
    }

    /**
     * {@code [from, to)} as untrained {@link Role#STATE}.
     *
     * @param from the first parameter
     * @param to   one past the last
     * @return the slice
     */
    public static ParameterSlice state(long from, long to) {
        return new ParameterSlice(Role.STATE, from, to);
    }

    /**
     * The number of parameters, {@code to − from}.
     *
     * @return at least 1
     */
    public long length() {
        return to - from;
    }

    /**
     * The same range {@code offset} parameters further on: a child's slice as its container counts it.
     *
     * @param offset where the layer's slice starts in its container's
     * @return the shifted slice
     */
    public ParameterSlice shift(long offset) {
        return new ParameterSlice(role, from + offset, to + offset);
    }

    /**
     * The slices of {@code layers} applied one after another from {@code inputShape}, each layer's
     * shifted by the parameters of the layers before it: what a container whose parameters are
     * those of a chain of layers reports (a residual block).
     *
     * @param layers     the chain, in order
     * @param inputShape the first layer's input example shape
     * @return the slices, in θ's order
     * @throws IllegalArgumentException when a layer cannot take its input shape, or its slices do
     *                                  not tile its parameters
     */
    public static List<ParameterSlice> chain(List<Layer> layers, long[] inputShape) {
        List<ParameterSlice> out = new ArrayList<>();
        long[] shape = inputShape;
        long offset = 0;
        for (Layer l : layers) {
            List<ParameterSlice> own = l.parameterSlices(shape);
            long count = l.parameterCount(shape);
            checkTiling(l, own, count); // here, so that the message names the child that is wrong
            for (ParameterSlice s : own) {
                out.add(s.shift(offset));
            }
            offset += count;
            shape = l.outputShape(shape);
        }
        return out;
    }

    /**
     * Checks that {@code slices} tile {@code [0, count)} in order, as {@link Layer#parameterSlices}
     * promises: every parameter has exactly one role.
     *
     * @param layer  the layer that reported them, for the message
     * @param slices what it reported
     * @param count  its {@link Layer#parameterCount}
     * @throws IllegalArgumentException naming the layer, the slices and the gap or overlap
     */
    static void checkTiling(Layer layer, List<ParameterSlice> slices, long count) {
        long next = 0;
        for (ParameterSlice s : slices) {
            if (s.from != next) {
                throw new IllegalArgumentException("layer " + layer.type() + " reports the parameter slices " + slices + " for "
                        + count + " parameters; they must cover [0, " + count + ") in order without gaps or overlaps, but one starts at "
                        + s.from + " where " + next + " was expected. Fix its parameterSlices(inputShape)");
            }
            next = s.to;
        }
        if (next != count) {
            throw new IllegalArgumentException("layer " + layer.type() + " reports the parameter slices " + slices + " for " + count
                    + " parameters; they must cover [0, " + count + ") in order, but end at " + next
                    + ". Fix its parameterSlices(inputShape)");
        }
    }
}
