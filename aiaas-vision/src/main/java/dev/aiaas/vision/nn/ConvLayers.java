package dev.aiaas.vision.nn;

import dev.aiaas.core.nn.BatchNorm;
import dev.aiaas.core.nn.Initializer;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import java.util.List;

/**
 * The catalogue of convolutional layers, as {@code Layers} is for core's:
 * {@code ConvLayers.conv2d(32, 3).withPadding(Padding.same())}, {@code ConvLayers.maxPool2d(2)},
 * ... Images are NCHW: a layer's input shape is {@code [channels, height, width]}. They compose
 * with core's layers: {@code Layers.relu()} (and every element-wise activation) takes images,
 * {@code Layers.residual(...)} wraps a stack that keeps the shape, {@link #residual(List, List)}
 * and {@link #basicBlock(int, int)} add a shortcut branch, and {@link #flatten()} or
 * {@link #globalAvgPool()} leads to {@code Layers.dense(...)}.
 *
 * <pre>{@code
 * Model model = Model.builder(784)
 *         .add(ConvLayers.unflatten(1, 28, 28))
 *         .add(ConvLayers.conv2d(32, 3).withPadding(Padding.same()).withBias(false))
 *         .add(ConvLayers.batchNorm2d()).add(Layers.relu()).add(ConvLayers.maxPool2d(2))
 *         .add(ConvLayers.flatten()).add(Layers.dense(10))
 *         .seed(42).build();
 * }</pre>
 */
public final class ConvLayers {
    private ConvLayers() {
    }

    /**
     * A square k×k convolution: stride 1, no padding, no dilation, one group, a bias; He-uniform
     * W (fan-in C·k·k; suits the ReLU that usually follows) and zero b.
     *
     * @param filters F, the output channels, at least 1
     * @param kernel  k, at least 1
     * @return the layer; change it with {@code withStride}, {@code withPadding}, {@code withDilation},
     *         {@code withGroups}, {@code withBias}, {@code withInitializers}
     */
    public static Conv2d conv2d(int filters, int kernel) {
        return conv2d(filters, kernel, kernel);
    }

    /**
     * A kH×kW convolution with the defaults of {@link #conv2d(int, int)}.
     *
     * @param filters      F, at least 1
     * @param kernelHeight kH, at least 1
     * @param kernelWidth  kW, at least 1
     * @return the layer
     */
    public static Conv2d conv2d(int filters, int kernelHeight, int kernelWidth) {
        return new Conv2d(filters, kernelHeight, kernelWidth, 1, 1, Padding.valid(), 1, 1, 1, true, Initializer.heUniform(),
                Initializer.zeros());
    }

    /**
     * A depthwise k×k convolution: one filter per input channel (groups = filters = C), {@code same}
     * padding.
     *
     * @param channels C, the input (and output) channels, at least 1
     * @param kernel   k, at least 1
     * @return the layer
     */
    public static Conv2d depthwiseConv2d(int channels, int kernel) {
        return conv2d(channels, kernel).withGroups(channels).withPadding(Padding.same());
    }

    /**
     * k×k max pooling with stride k (non-overlapping windows), no padding.
     *
     * @param kernel k, at least 1
     * @return the layer
     */
    public static MaxPool2d maxPool2d(int kernel) {
        return maxPool2d(kernel, kernel);
    }

    /**
     * k×k max pooling with stride s, no padding.
     *
     * @param kernel k, at least 1
     * @param stride s, at least 1
     * @return the layer
     */
    public static MaxPool2d maxPool2d(int kernel, int stride) {
        return new MaxPool2d(kernel, kernel, stride, stride, 0, 0);
    }

    /**
     * k×k average pooling with stride k, no padding.
     *
     * @param kernel k, at least 1
     * @return the layer
     */
    public static AvgPool2d avgPool2d(int kernel) {
        return avgPool2d(kernel, kernel);
    }

    /**
     * k×k average pooling with stride s, no padding.
     *
     * @param kernel k, at least 1
     * @param stride s, at least 1
     * @return the layer
     */
    public static AvgPool2d avgPool2d(int kernel, int stride) {
        return new AvgPool2d(kernel, kernel, stride, stride, 0, 0);
    }

    /**
     * Each channel's mean over the image: {@code [C, H, W]} to {@code [C]}.
     *
     * @return the layer
     */
    public static GlobalAvgPool globalAvgPool() {
        return new GlobalAvgPool();
    }

    /**
     * Batch normalisation per channel with Keras's defaults (momentum 0.99, ε 1e-3), those of
     * core's {@code Layers.batchNorm()}.
     *
     * @return the layer
     */
    public static BatchNorm2d batchNorm2d() {
        return new BatchNorm2d(BatchNorm.DEFAULT_MOMENTUM, BatchNorm.DEFAULT_EPSILON);
    }

    /**
     * Batch normalisation per channel with the given settings.
     *
     * @param momentum m, in [0, 1) (Keras's convention; PyTorch's momentum 0.1 is 0.9)
     * @param epsilon  ε &gt; 0
     * @return the layer
     */
    public static BatchNorm2d batchNorm2d(double momentum, double epsilon) {
        return new BatchNorm2d(momentum, epsilon);
    }

    /**
     * Images to flat rows: {@code [C, H, W]} to {@code [C·H·W]}, row-major.
     *
     * @return the layer
     */
    public static Flatten flatten() {
        return new Flatten();
    }

    /**
     * Flat rows to images: {@code [C·H·W]} to {@code [C, H, W]}, the rows read row-major (as
     * image files and {@code Mnist} store pixels).
     *
     * @param channels C, at least 1
     * @param height   H, at least 1
     * @param width    W, at least 1
     * @return the layer
     */
    public static Unflatten unflatten(int channels, int height, int width) {
        return new Unflatten(channels, height, width);
    }

    /**
     * Spatial dropout: in training, each channel of each example is zeroed whole with probability
     * p and the others scaled by 1/(1 − p); the identity at inference ({@link Dropout2d}).
     *
     * @param rate p, in [0, 1)
     * @return the layer
     */
    public static Dropout2d dropout2d(double rate) {
        return new Dropout2d(rate);
    }

    /**
     * A residual block y = main(x) + shortcut(x), no activation after the sum (add one with
     * {@code withRelu(true)}); an empty shortcut is the identity ({@link ResidualBlock}).
     *
     * @param main     the main branch, at least one layer
     * @param shortcut the shortcut branch, empty for the identity; it must end in the main
     *                 branch's output shape
     * @return the block
     */
    public static ResidualBlock residual(List<Layer> main, List<Layer> shortcut) {
        return new ResidualBlock(main, shortcut, false);
    }

    /**
     * PyTorch's ResNet {@code BasicBlock}, with a projection shortcut exactly when the stride is not
     * 1: {@link #basicBlock(int, int, boolean) basicBlock(filters, stride, stride != 1)}. A block
     * that changes the channels at stride 1 needs the three-argument form with {@code true}.
     *
     * @param filters F, the output channels, at least 1
     * @param stride  s, of the first convolution (and of the shortcut's), at least 1
     * @return the block
     */
    public static ResidualBlock basicBlock(int filters, int stride) {
        return basicBlock(filters, stride, stride != 1);
    }

    /**
     * PyTorch's ResNet {@code BasicBlock} (He et al. 2016): y = ReLU(main(x) + shortcut(x)) with
     * <pre>
     * main     = conv 3×3 (F filters, stride s, padding 1, no bias) → batch norm → ReLU
     *            → conv 3×3 (F filters, stride 1, padding 1, no bias) → batch norm
     * shortcut = conv 1×1 (F filters, stride s, no bias) → batch norm     (projection)
     *            or x itself                                                (identity: C = F, s = 1)
     * </pre>
     * He-uniform kernels (fan-in), batch norms with {@link #batchNorm2d()}'s settings (γ 1, β 0).
     * Over {@code [C, H, W]} the output is {@code [F, ⌊(H − 1)/s⌋ + 1, ⌊(W − 1)/s⌋ + 1]};
     * parameters {@code 9·C·F + 9·F·F + 8·F}, plus {@code C·F + 4·F} for the projection.
     *
     * @param filters    F, at least 1
     * @param stride     s, at least 1
     * @param projection whether the shortcut is the 1×1 projection (needed when C ≠ F or s ≠ 1)
     * @return the block
     */
    public static ResidualBlock basicBlock(int filters, int stride, boolean projection) {
        Images.positive("filters", filters);
        Images.positive("stride", stride);
        List<Layer> main = List.of(
                conv2d(filters, 3).withStride(stride).withPadding(Padding.of(1)).withBias(false), batchNorm2d(), Layers.relu(),
                conv2d(filters, 3).withPadding(Padding.of(1)).withBias(false), batchNorm2d());
        List<Layer> shortcut = projection ? List.of(conv2d(filters, 1).withStride(stride).withBias(false), batchNorm2d()) : List.of();
        return new ResidualBlock(main, shortcut, true);
    }
}
