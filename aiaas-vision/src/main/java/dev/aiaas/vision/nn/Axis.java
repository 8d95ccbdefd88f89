package dev.aiaas.vision.nn;

/**
 * One spatial axis of a window (a kernel) sliding over an input: output i reads the inputs
 * {@code i·stride − padBefore + j·dilation} for j in {@code [0, kernel)}, positions outside
 * {@code [0, in)} being padding.
 *
 * @param in        the input's size along the axis
 * @param kernel    the window's size
 * @param stride    the step between windows
 * @param dilation  the step between a window's taps
 * @param padBefore padding before the first input
 * @param out       the number of outputs
 */
record Axis(int in, int kernel, int stride, int dilation, int padBefore, int out) {

    /**
     * The axis of a window with explicit padding {@code pad} on both sides, or {@code same}
     * padding: {@code out = floor((in + 2·pad − dilation·(kernel − 1) − 1) / stride) + 1}, or
     * {@code ceil(in / stride)} for {@code same}.
     *
     * @throws IllegalArgumentException naming the layer and the axis when no output fits
     */
    static Axis of(String layer, String axis, long in, int kernel, int stride, int dilation, boolean same, int pad) {
        int n = Math.toIntExact(in);
        int span = dilation * (kernel - 1) + 1;
        if (same) {
            int out = (n + stride - 1) / stride;
            int total = Math.max((out - 1) * stride + span - n, 0);
            return new Axis(n, kernel, stride, dilation, total / 2, out);
        }
        int out = Math.floorDiv(n + 2 * pad - span, stride) + 1;
        if (out < 1) {
            throw new IllegalArgumentException(layer + ": the window spans " + span + " " + axis + " positions (kernel " + kernel
                    + ", dilation " + dilation + ") but the input has only " + n + (pad > 0 ? " plus padding 2x" + pad : "")
                    + "; use a smaller kernel, padding, or a larger input");
        }
        return new Axis(n, kernel, stride, dilation, pad, out);
    }

    /** The input position of output {@code o}'s tap {@code j} (outside {@code [0, in)}: padding). */
    int at(int o, int j) {
        return o * stride - padBefore + j * dilation;
    }
}
