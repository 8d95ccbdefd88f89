package dev.aiaas.bench;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SameDiff (ND4J 1.0.0-M2.1): the graph {@code relu(x·W + b)} per hidden layer, logits
 * {@code h·W + b}, trained and run as {@link SameDiffWorkload} says. Weights are He-uniform from
 * {@link Inputs}.
 */
public final class SameDiffMlp extends SameDiffWorkload<MlpTask> {

    /**
     * The workload for {@code task}; nothing is allocated before {@link #setup()}.
     *
     * @param task the shape, batch and kind of step
     */
    public SameDiffMlp(MlpTask task) {
        super(task, task.batch(), task.shape().inputs(), task.shape().classes(), task.train());
    }

    @Override
    protected SDVariable network(SDVariable input) {
        MlpShape s = task.shape();
        SDVariable h = input;
        for (int l = 1; l <= s.layerCount(); l++) {
            int fanIn = s.widths().get(l - 1);
            int fanOut = s.widths().get(l);
            SDVariable w = sd.var("w" + l, Inputs.heUniform(fanIn, fanOut, Inputs.SEED + l));
            SDVariable b = sd.var("b" + l, Nd4j.zeros(DataType.FLOAT, 1, fanOut));
            SDVariable z = h.mmul(w).add(b);
            h = l < s.layerCount() ? sd.nn().relu(z, 0) : z;
        }
        return h;
    }
}
