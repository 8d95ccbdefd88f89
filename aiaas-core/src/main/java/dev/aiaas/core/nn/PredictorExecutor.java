package dev.aiaas.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How a {@link Predictor} computes: {@link PackedExecutor} (the plan's steps on Vector API
 * kernels) or {@link CopyExecutor} (a copy of the model on ND4J and BLAS). The predictor checks
 * that it is open and that a {@code float[]} call's lengths fit before it calls; each executor
 * checks its ND4J arrays itself. Every method may be called from any number of threads at once:
 * each call computes on working state lent to it alone ({@link ScratchPool}), the weights being
 * read-only.
 */
sealed interface PredictorExecutor extends AutoCloseable permits PackedExecutor, CopyExecutor {

    /** {@link Predictor#predict(INDArray)}. */
    INDArray predict(INDArray x);

    /** {@link Predictor#predict(INDArray, INDArray)}. */
    INDArray predict(INDArray x, INDArray out);

    /** {@link Predictor#predict(float[], float[])} for {@code batch} examples, the lengths checked. */
    void predict(float[] x, int batch, float[] out);

    /** The most calls that compute at once; others wait for one to end. */
    int maxCalls();

    /** What computes, for {@link Predictor#kernel()}. */
    String describe();

    /**
     * Refuses later calls ({@link IllegalStateException}) and frees what the executor holds
     * outside the heap: at once what no call is using, the rest when the calls using it end.
     */
    @Override
    void close();
}
