package dev.aiaas.vision.nn;

import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;

/**
 * Ready-made convolutional networks, as model builders: set the seed or the data type, then
 * {@code build()}. Each reads flat rows of {@code channels·height·width} pixels (as datasets
 * hold images: {@code Mnist}, {@code FashionMnist}, the CLI's IDX folders) and ends in logits for
 * a softmax cross-entropy loss.
 *
 * <pre>{@code
 * try (Model model = Networks.cnn(1, 28, 28, 10).seed(42).build()) {
 *     System.out.println(model.summary());
 *     trainer.fit(model, data.train(), data.test());
 * }
 * }</pre>
 */
public final class Networks {
    private Networks() {
    }

    /**
     * LeNet-5 (LeCun et al. 1998) with ReLU and max pooling, for 28×28 single-channel images (the
     * first convolution pads by 2, as the original's 32×32 input did):
     * conv 6@5×5 (same) → ReLU → max pool 2 → conv 16@5×5 → ReLU → max pool 2 → flatten
     * (16·5·5 = 400) → dense 120 ReLU → dense 84 ReLU → dense {@code classes}. 61,706 parameters
     * for 10 classes.
     *
     * @param classes the number of classes, at least 2
     * @return a builder with input shape {@code [784]}
     */
    public static Model.Builder lenet5(int classes) {
        checkClasses(classes);
        return Model.builder(28 * 28)
                .add(ConvLayers.unflatten(1, 28, 28))
                .add(ConvLayers.conv2d(6, 5).withPadding(Padding.same())).add(Layers.relu()).add(ConvLayers.maxPool2d(2))
                .add(ConvLayers.conv2d(16, 5)).add(Layers.relu()).add(ConvLayers.maxPool2d(2))
                .add(ConvLayers.flatten())
                .add(Layers.dense(120, Activation.RELU)).add(Layers.dense(84, Activation.RELU)).add(Layers.dense(classes));
    }

    /**
     * The small VGG-style CNN of {@code aiaas train --model cnn} (VGG's pattern, Simonyan and
     * Zisserman 2015, in miniature: 3×3 convolutions in pairs, 2×2 max pooling, the filters doubling
     * from block to block, a dense head): two blocks of two 3×3 convolutions (same padding, no bias),
     * each followed by batch normalisation and ReLU, then 2×2 max pooling, with 32 and 64 filters
     * (batch normalisation with PyTorch's settings, momentum 0.9 in this library's convention and
     * ε 1e-5: with Keras's 0.99 the running statistics still carried 15 % of their initial values
     * after two epochs of the 6,000-image subset, and the test accuracy suffered),
     * then flatten → dense 128 ReLU → dense {@code classes}. For 28×28 grey images:
     * {@code [1, 28, 28] → [32, 28, 28] → [32, 14, 14] → [64, 14, 14] → [64, 7, 7] → [3136] → [128]
     * → [classes]}, 468,394 parameters for 10 classes. (The second convolution of each block was
     * chosen on a validation split of Fashion-MNIST's training images: docs/benchmarks.md.)
     *
     * @param channels C of the images, at least 1
     * @param height   H, at least 4 (two poolings halve it)
     * @param width    W, at least 4
     * @param classes  the number of classes, at least 2
     * @return a builder with input shape {@code [C·H·W]}
     */
    public static Model.Builder cnn(int channels, int height, int width, int classes) {
        checkClasses(classes);
        if (height < 4 || width < 4) {
            throw new IllegalArgumentException("the cnn pools twice by 2, so its images need at least 4x4 pixels. Received: height="
                    + height + ", width=" + width);
        }
        return Model.builder((long) channels * height * width)
                .add(ConvLayers.unflatten(channels, height, width))
                .add(ConvLayers.conv2d(32, 3).withPadding(Padding.same()).withBias(false)).add(ConvLayers.batchNorm2d(0.9, 1e-5))
                .add(Layers.relu())
                .add(ConvLayers.conv2d(32, 3).withPadding(Padding.same()).withBias(false)).add(ConvLayers.batchNorm2d(0.9, 1e-5))
                .add(Layers.relu()).add(ConvLayers.maxPool2d(2))
                .add(ConvLayers.conv2d(64, 3).withPadding(Padding.same()).withBias(false)).add(ConvLayers.batchNorm2d(0.9, 1e-5))
                .add(Layers.relu())
                .add(ConvLayers.conv2d(64, 3).withPadding(Padding.same()).withBias(false)).add(ConvLayers.batchNorm2d(0.9, 1e-5))
                .add(Layers.relu()).add(ConvLayers.maxPool2d(2))
                .add(ConvLayers.flatten())
                .add(Layers.dense(128, Activation.RELU)).add(Layers.dense(classes));
    }

    /**
     * A small ResNet (ResNet-8 in the form of PyTorch's {@code BasicBlock}, He et al. 2016), for
     * 32×32 colour or 28×28 grey images:
     * <pre>
     * stem:    conv 16@3×3 (stride 1, padding 1, no bias) → batch norm → ReLU
     * stage 1: basic block 16 → 16, stride 1, identity shortcut
     * stage 2: basic block 16 → 32, stride 2, shortcut conv 32@1×1 stride 2 (no bias) → batch norm
     * stage 3: basic block 32 → 64, stride 2, shortcut conv 64@1×1 stride 2 (no bias) → batch norm
     * head:    global average pooling → dense {@code classes} (logits for a softmax cross-entropy)
     * </pre>
     * ({@link ConvLayers#basicBlock(int, int)}: y = ReLU(conv3×3 → BN → ReLU → conv3×3 → BN (x) +
     * shortcut(x))). He-uniform kernels on the fan-in, batch norms with core's settings (γ 1, β 0).
     * Shapes for {@code [3, 32, 32]}: {@code [16, 32, 32] → [16, 32, 32] → [32, 16, 16] → [64, 8, 8]
     * → [64] → [classes]}, 78,714 parameters for 10 classes, of which 672 are the batch norms' running statistics
     * (78,426 for 28×28×1, where the sizes go 28 → 14 → 7).
     *
     * @param channels C of the images, at least 1
     * @param height   H, at least 1
     * @param width    W, at least 1
     * @param classes  the number of classes, at least 2
     * @return a builder with input shape {@code [C·H·W]}
     */
    public static Model.Builder resnetSmall(int channels, int height, int width, int classes) {
        checkClasses(classes);
        Images.positive("channels", channels);
        Images.positive("height", height);
        Images.positive("width", width);
        return Model.builder((long) channels * height * width)
                .add(ConvLayers.unflatten(channels, height, width))
                .add(ConvLayers.conv2d(16, 3).withPadding(Padding.of(1)).withBias(false)).add(ConvLayers.batchNorm2d()).add(Layers.relu())
                .add(ConvLayers.basicBlock(16, 1))
                .add(ConvLayers.basicBlock(32, 2))
                .add(ConvLayers.basicBlock(64, 2))
                .add(ConvLayers.globalAvgPool())
                .add(Layers.dense(classes));
    }

    private static void checkClasses(int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes. Received: classes=" + classes);
        }
    }
}
