package dev.aiaas.vision.nn;

import java.util.Arrays;

/** Checks of image input shapes {@code [channels, height, width]}. */
final class Images {
    private Images() {
    }

    /**
     * The input shape as {@code {C, H, W}}, checked.
     *
     * @throws IllegalArgumentException naming the layer, the shape and the fix when it is not
     *                                  three positive sizes of at most 2^31 − 1 values in all
     */
    static int[] chw(String layer, long[] inputShape) {
        if (inputShape.length != 3 || inputShape[0] < 1 || inputShape[1] < 1 || inputShape[2] < 1) {
            throw new IllegalArgumentException(layer + " expects an image input shape [channels, height, width], got "
                    + Arrays.toString(inputShape) + (inputShape.length == 1 ? "; add ConvLayers.unflatten(channels, height, width) "
                    + "before it to read flat rows as images" : ""));
        }
        long n = inputShape[0] * inputShape[1] * inputShape[2];
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(layer + ": an image of " + Arrays.toString(inputShape) + " has " + n
                    + " values, more than the " + Integer.MAX_VALUE + " a layer takes per example");
        }
        return new int[] {(int) inputShape[0], (int) inputShape[1], (int) inputShape[2]};
    }

    /** Checks that a setting is at least 1. */
    static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be a positive integer. Received: " + name + "=" + value);
        }
    }

    /** B·n as an int, or an exception naming the batch size (the layers index heap arrays with ints). */
    static int batchValues(long batch, long perExample, String layer) {
        long n = batch * perExample;
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(layer + ": a batch of " + batch + " examples of " + perExample + " values is "
                    + n + " values, more than a layer's buffers hold (" + (Integer.MAX_VALUE - 16) + "); use a smaller batch");
        }
        return (int) n;
    }
}
