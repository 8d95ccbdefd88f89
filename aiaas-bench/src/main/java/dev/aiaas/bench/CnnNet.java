package dev.aiaas.bench;

/**
 * The convolutional networks of the CNN workloads, each built the same way in every engine, and
 * their arithmetic floor. Every network reads flat rows of {@code channels·height·width} pixels
 * (NCHW), uniform in [0, 1) from {@link Inputs}, and ends in {@code classes} logits for a softmax
 * cross-entropy.
 *
 * <ul>
 *   <li>{@link #LENET5}: {@code Networks.lenet5(10)}: conv 6@5×5 (pad 2) → ReLU → max pool 2 →
 *       conv 16@5×5 → ReLU → max pool 2 → dense 120 ReLU → dense 84 ReLU → dense 10.</li>
 *   <li>{@link #CNN}: {@code Networks.cnn(1, 28, 28, 10)}, the CLI's {@code --model cnn}: two blocks
 *       of two conv 3×3 (pad 1, no bias) → batch norm → ReLU, then max pool 2, with 32 and 64
 *       filters, then dense 128 ReLU → dense 10.</li>
 *   <li>{@link #RESNET_SMALL}: {@code Networks.resnetSmall(3, 32, 32, 10)}: the ResNet-8 of
 *       PyTorch's BasicBlock form (stem conv 16, stages of 16, 32 and 64 filters, the last two at
 *       stride 2 with 1×1 convolution shortcuts), global average pool, dense 10.</li>
 * </ul>
 *
 * <p>The floor counts the products only (convolutions and dense layers) as multiply-adds per
 * example: M = Σ over product layers of {@code F·H'·W'·C/G·kH·kW} (dense: in·out). Inference
 * does 2·B·M FLOP; a training step 2·B·(3·M − M₁), the forward, the weight gradients (the same)
 * and the input gradients of every product layer but the first (whose input gradient no engine
 * needs; M₁ is its share).
 */
public enum CnnNet {
    /** LeNet-5 on 28×28 grey images. */
    LENET5("lenet5", 1, 28, 28, 10,
            new long[] {6L * 28 * 28 * 1 * 25, 16L * 10 * 10 * 6 * 25, 400L * 120, 120L * 84, 84L * 10}),
    /** The CLI's cnn on 28×28 grey images. */
    CNN("cnn", 1, 28, 28, 10,
            new long[] {32L * 28 * 28 * 1 * 9, 32L * 28 * 28 * 32 * 9, 64L * 14 * 14 * 32 * 9, 64L * 14 * 14 * 64 * 9, 3136L * 128,
                128L * 10}),
    /** The small ResNet on 32×32 colour images. */
    RESNET_SMALL("resnet-small", 3, 32, 32, 10,
            new long[] {16L * 1024 * 3 * 9,                                  // stem
                16L * 1024 * 16 * 9, 16L * 1024 * 16 * 9,                    // stage 1
                32L * 256 * 16 * 9, 32L * 256 * 32 * 9, 32L * 256 * 16,      // stage 2 and its 1x1 shortcut
                64L * 64 * 32 * 9, 64L * 64 * 64 * 9, 64L * 64 * 32,         // stage 3 and its 1x1 shortcut
                64L * 10});

    private final String label;
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    private final long[] macs;

    CnnNet(String label, int channels, int height, int width, int classes, long[] macs) {
        this.label = label;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        this.macs = macs;
    }

    /** {@return the name in benchmark labels, for example {@code cnn}} */
    public String label() {
        return label;
    }

    /** {@return C, the image channels} */
    public int channels() {
        return channels;
    }

    /** {@return H, the image height in pixels} */
    public int height() {
        return height;
    }

    /** {@return W, the image width in pixels} */
    public int width() {
        return width;
    }

    /** {@return the classes (the logits per example)} */
    public int classes() {
        return classes;
    }

    /** {@return C·H·W, the values per example} */
    public int inputs() {
        return channels * height * width;
    }

    /** {@return M, the multiply-adds of every product layer's forward pass per example} */
    public long multiplyAdds() {
        long m = 0;
        for (long v : macs) {
            m += v;
        }
        return m;
    }

    /**
     * The arithmetic floor of one inference call: 2·B·M.
     *
     * @param batch B
     * @return FLOP
     */
    public double inferenceFlops(int batch) {
        return 2.0 * batch * multiplyAdds();
    }

    /**
     * The arithmetic floor of one training step: 2·B·(3·M − M₁).
     *
     * @param batch B
     * @return FLOP
     */
    public double trainingFlops(int batch) {
        return 2.0 * batch * (3 * multiplyAdds() - macs[0]);
    }
}
