package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Inverted dropout (Srivastava et al. 2014): in training, y = x ⊙ m / (1 − p) with each mask entry
 * m ∈ {0, 1} drawn independently, 0 with probability p; outside training, y = x (the scaling
 * during training keeps the expectation equal, so inference needs none). No parameters.
 * Shapes: x and y {@code [B, d]}. Gradient: ∂L/∂x = ∂L/∂y ⊙ m / (1 − p), with the mask of the last
 * training forward pass.
 *
 * <p>Masks come from a random stream owned by the instance, seeded in
 * {@link Layer.Instance#initialise} from the model's initialisation stream: the same model seed
 * gives the same sequence of masks, hence bit-identical training. Each training {@code forward}
 * draws a new mask. A model loaded from a file or a checkpoint restarts that stream (from the
 * model's seed), so a resumed run with dropout draws the masks of a fresh run, not the ones an
 * unbroken run would have drawn next.
 *
 * <p>Because each training forward draws a new mask, the finite-difference conformance check
 * cannot perturb the input against a fixed mask through the public API; {@code DropoutTest}
 * checks instead that y = x ⊙ m/(1 − p) exactly and that ∂L/∂x = ∂L/∂y ⊙ y/x (the layer is
 * linear in x for a fixed mask), and the conformance harness runs rate 0.
 *
 * @param rate p, the fraction of inputs zeroed in training, in [0, 1)
 */
public record Dropout(double rate) implements PackedLayer {

    /**
     * Validates the rate.
     *
     * @param rate p, in [0, 1)
     */
    public Dropout {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("rate must be in [0, 1) (the fraction of inputs dropped). Received: rate=" + rate);
        }
    }

    @Override
    public String type() {
        return "dropout";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return ActivationLayer.flat(inputShape);
    }

    @Override
    public long parameterCount(long[] inputShape) {
        return 0;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate", rate);
        return m;
    }

    /** No step: dropout is the identity at inference (the plan has checked the shape through {@link #outputShape}). */
    @Override
    public void pack(long[] inputShape, float[] params, PackedSteps steps) {
    }

    @Override
    public Layer.Instance instantiate(long[] inputShape, DataType dataType) {
        long width = ActivationLayer.flat(inputShape)[0];
        Workspace ws = new Workspace(dataType);
        double scale = 1 / (1 - rate);
        long dropBelow = Math.round(rate * 0x1p32); // a 32-bit draw below this drops the value
        return new Layer.Instance() {
            private SplittableRandom masks = new SplittableRandom(0);
            private boolean lastTraining;
            private final Columns cols = new Columns();

            @Override
            public void bind(INDArray params, INDArray grads) {
            }

            @Override
            public void initialise(SplittableRandom random) {
                masks = new SplittableRandom(random.nextLong());
            }

            @Override
            public INDArray forward(INDArray x, boolean training) {
                lastTraining = training;
                int n = Math.toIntExact(x.rows() * width);
                INDArray y = ws.matrix("y", x.rows(), width);
                if (!training || rate == 0) {
                    copy(Buf.of(x), Buf.of(y), n, cols); // a buffer of our own, as the contract says
                    return y;
                }
                INDArray mask = ws.matrix("mask", x.rows(), width);
                Buf xb = Buf.of(x);
                Buf yb = Buf.of(y);
                Buf mb = Buf.of(mask);
                Columns m = cols;
                m.ensure(BLOCK);
                double[] a = m.a;
                double[] k = m.g;
                for (int from = 0; from < n; from += BLOCK) { // heap blocks: one bulk copy each way, not a Buf access per value
                    int len = Math.min(BLOCK, n - from);
                    xb.get(from, a, 0, m.tmp, len);
                    // two draws of 32 bits from each 64-bit random value: u < rate·2³² drops (a
                    // probability within 2⁻³³ of the rate), half the generator's work per value;
                    // the comparison as the sign of u − rate·2³² (both below 2³²), not a branch
                    // that a random mask mispredicts
                    for (int i = 0; i < len; i += 2) {
                        long bits = masks.nextLong();
                        double keep = scale * (1 - (((bits >>> 32) - dropBelow) >>> 63));
                        k[i] = keep;
                        a[i] *= keep;
                        if (i + 1 < len) {
                            keep = scale * (1 - (((bits & 0xFFFF_FFFFL) - dropBelow) >>> 63));
                            k[i + 1] = keep;
                            a[i + 1] *= keep;
                        }
                    }
                    mb.put(from, k, 0, m.tmp, len);
                    yb.put(from, a, 0, m.tmp, len);
                }
                return y;
            }

            @Override
            public INDArray backward(INDArray x, INDArray y, INDArray dy, boolean needInput) {
                if (!needInput) {
                    return null;
                }
                int n = Math.toIntExact(x.rows() * width);
                INDArray dx = ws.matrix("dx", x.rows(), width);
                if (!lastTraining || rate == 0) {
                    copy(Buf.of(dy), Buf.of(dx), n, cols);
                    return dx;
                }
                Buf db = Buf.of(dy);
                Buf mb = Buf.of(ws.matrix("mask", x.rows(), width));
                Buf ob = Buf.of(dx);
                Columns m = cols;
                m.ensure(BLOCK);
                double[] a = m.a;
                double[] k = m.g;
                for (int from = 0; from < n; from += BLOCK) {
                    int len = Math.min(BLOCK, n - from);
                    db.get(from, a, 0, m.tmp, len);
                    mb.get(from, k, 0, m.tmp, len);
                    for (int i = 0; i < len; i++) {
                        a[i] *= k[i];
                    }
                    ob.put(from, a, 0, m.tmp, len);
                }
                return dx;
            }

            @Override
            public void close() {
                ws.close();
            }
        };
    }

    /** Values per heap block. */
    private static final int BLOCK = 2048;

    private static void copy(Buf from, Buf to, int n, Columns m) {
        m.ensure(BLOCK);
        for (int at = 0; at < n; at += BLOCK) {
            int len = Math.min(BLOCK, n - at);
            from.get(at, m.a, 0, m.tmp, len);
            to.put(at, m.a, 0, m.tmp, len);
        }
    }
}
