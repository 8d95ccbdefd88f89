package dev.aiaas.bench;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SameDiff (ND4J 1.0.0-M2.1) with the same layers as {@link CnnNet}, float32, NCHW: libnd4j's
 * {@code conv2d} (weights {@code [kH, kW, C, F]}, He-uniform from {@link Inputs}, padding "same"
 * where aiaas pads), batch norm over the batch's own mean and variance (ε 1e-5, γ and β
 * trained; composed of element-wise ops, because SameDiff's {@code batchNorm} op cannot be
 * differentiated in M2.1), {@code relu}, {@code maxpool2d} 2×2, global average pooling as a mean
 * over H and W, dense layers as {@code mmul} + bias; loss and training as
 * {@link SameDiffWorkload} says. Inference normalises with the batch's statistics too (SameDiff
 * keeps no running averages unless the graph computes them; a little more work than stored ones).
 */
public final class SameDiffCnn extends SameDiffWorkload<CnnTask> {

    private int layer;

    /**
     * The workload for {@code task}; nothing is allocated before {@link #setup()}.
     *
     * @param task the network, batch and kind of step
     */
    public SameDiffCnn(CnnTask task) {
        super(task, task.batch(), task.net().inputs(), task.net().classes(), task.train());
    }

    @Override
    protected SDVariable network(SDVariable input) {
        CnnNet n = task.net();
        layer = 0;
        SDVariable h = input.reshape(-1, n.channels(), n.height(), n.width());
        return switch (n) {
            case LENET5 -> {
                h = maxPool(sd.nn().relu(conv(h, 1, 6, 5, 1, true, true), 0));
                h = maxPool(sd.nn().relu(conv(h, 6, 16, 5, 1, false, true), 0));
                h = h.reshape(-1, 16 * 5 * 5);
                h = sd.nn().relu(dense(h, 400, 120), 0);
                h = sd.nn().relu(dense(h, 120, 84), 0);
                yield dense(h, 84, n.classes());
            }
            case CNN -> {
                h = convBnRelu(h, 1, 32, 3, 1);
                h = maxPool(convBnRelu(h, 32, 32, 3, 1));
                h = convBnRelu(h, 32, 64, 3, 1);
                h = maxPool(convBnRelu(h, 64, 64, 3, 1));
                h = h.reshape(-1, 64 * 7 * 7);
                h = sd.nn().relu(dense(h, 3136, 128), 0);
                yield dense(h, 128, n.classes());
            }
            case RESNET_SMALL -> {
                h = convBnRelu(h, 3, 16, 3, 1);
                h = block(h, 16, 16, 1);
                h = block(h, 16, 32, 2);
                h = block(h, 32, 64, 2);
                yield dense(h.mean(2, 3), 64, n.classes());
            }
        };
    }

    /** A convolution k×k, stride s, "same" padding or none, with or without bias. */
    private SDVariable conv(SDVariable h, int c, int f, int k, int s, boolean same, boolean bias) {
        layer++;
        INDArray w = Inputs.heUniform(k * k * c, f, Inputs.SEED + layer).reshape('c', k, k, c, f);
        Conv2DConfig cfg = Conv2DConfig.builder().kH(k).kW(k).sH(s).sW(s).dH(1).dW(1)
                .paddingMode(same ? PaddingMode.SAME : PaddingMode.VALID).dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build();
        SDVariable wv = sd.var("w" + layer, w);
        return bias ? sd.cnn().conv2d(h, wv, sd.var("b" + layer, Nd4j.zeros(DataType.FLOAT, f)), cfg) : sd.cnn().conv2d(h, wv, cfg);
    }

    /**
     * Batch norm over the batch's statistics per channel (NCHW), γ and β trained:
     * (h − μ)·γ/√(σ² + ε) + β composed of element-wise ops, because SameDiff's own
     * {@code batchNorm} op cannot be differentiated in M2.1 ({@code BatchNorm.doDiff} builds its
     * derivative without the axis: "Invalid axis argument").
     */
    private SDVariable bn(SDVariable h, int f) {
        SDVariable centred = h.sub(h.mean(0, 2, 3).reshape(1, f, 1, 1));
        SDVariable variance = centred.mul(centred).mean(0, 2, 3);
        SDVariable gamma = sd.var("gamma" + layer, Nd4j.ones(DataType.FLOAT, f));
        SDVariable beta = sd.var("beta" + layer, Nd4j.zeros(DataType.FLOAT, f));
        SDVariable scale = sd.math().rsqrt(variance.add(1e-5)).mul(gamma);
        return centred.mul(scale.reshape(1, f, 1, 1)).add(beta.reshape(1, f, 1, 1));
    }

    private SDVariable convBnRelu(SDVariable h, int c, int f, int k, int s) {
        return sd.nn().relu(bn(conv(h, c, f, k, s, true, false), f), 0);
    }

    /** PyTorch's BasicBlock: conv-BN-ReLU-conv-BN plus the identity or a 1×1 conv + BN, then ReLU. */
    private SDVariable block(SDVariable h, int c, int f, int s) {
        SDVariable main = bn(conv(convBnRelu(h, c, f, 3, s), f, f, 3, 1, true, false), f);
        SDVariable shortcut = c != f || s != 1 ? bn(conv(h, c, f, 1, s, true, false), f) : h;
        return sd.nn().relu(main.add(shortcut), 0);
    }

    private SDVariable maxPool(SDVariable h) {
        return sd.cnn().maxPooling2d(h, Pooling2DConfig.builder().kH(2).kW(2).sH(2).sW(2).dH(1).dW(1)
                .type(Pooling2D.Pooling2DType.MAX).isNHWC(false).build());
    }

    private SDVariable dense(SDVariable h, int in, int out) {
        layer++;
        return h.mmul(sd.var("w" + layer, Inputs.heUniform(in, out, Inputs.SEED + layer)))
                .add(sd.var("b" + layer, Nd4j.zeros(DataType.FLOAT, 1, out)));
    }
}
