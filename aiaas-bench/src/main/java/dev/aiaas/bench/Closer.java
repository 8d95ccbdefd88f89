package dev.aiaas.bench;

import dev.aiaas.core.optim.Optimizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Frees native memory held by workloads; null entries are skipped. */
final class Closer {

    private Closer() {
    }

    static void closeAll(Optimizer.State state, INDArray... arrays) {
        if (state != null) {
            state.close();
        }
        for (INDArray a : arrays) {
            if (a != null && a.closeable()) {
                a.close();
            }
        }
    }
}
