package dev.aiaas.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.data.Dataset;
import dev.aiaas.core.data.Shuffle;
import dev.aiaas.core.data.Table;
import dev.aiaas.core.data.TrainTest;
import dev.aiaas.core.loss.Loss;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.metrics.Metric;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one held-out rule (the first {@code round(n · fraction)} indices of
 * {@code Shuffle.permutation(n, seed)}) through each of its users: {@link Dataset#split},
 * {@link Table#split} and the trainer's {@code validationSplit} hold out the same rows, in the same
 * order, for the same n, fraction and seed. Every example's feature and target is its row index,
 * so the rows can be read back from each.
 */
class HeldOutRowsTest {

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    @Test
    void datasetTableAndTrainerHoldOutTheSameRows() {
        for (int n : new int[] {2, 10, 37}) {
            for (double fraction : new double[] {0.25, 0.5, 0.7}) {
                for (long seed : new long[] {0, 7, -3}) {
                    String at = "n=" + n + ", fraction=" + fraction + ", seed=" + seed;
                    List<Integer> expected = firstOfPermutation(n, fraction, seed);
                    assertEquals(expected, datasetHeldOut(n, fraction, seed), "Dataset.split, " + at);
                    assertEquals(expected, tableHeldOut(n, fraction, seed), "Table.split, " + at);
                    List<List<Integer>> seen = trainerRows(n, fraction, seed);
                    assertEquals(expected, seen.get(1), "Trainer validationSplit, " + at);
                    Set<Integer> rest = new TreeSet<>(seen.get(0));
                    rest.addAll(expected);
                    assertEquals(n, rest.size(), "the trainer trains on the other rows, " + at);
                    assertEquals(n - expected.size(), seen.get(0).size(), at);
                }
            }
        }
    }

    /** The rule written out, independently of Shuffle.holdOut. */
    private static List<Integer> firstOfPermutation(int n, double fraction, long seed) {
        int[] p = Shuffle.permutation(n, seed);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < Math.round(n * fraction); i++) {
            out.add(p[i]);
        }
        return out;
    }

    private static Dataset numbered(int n) {
        float[][] rows = new float[n][1];
        for (int i = 0; i < n; i++) {
            rows[i][0] = i;
        }
        return Dataset.ofTargets(Nd4j.createFromArray(rows), Nd4j.createFromArray(rows));
    }

    private static List<Integer> datasetHeldOut(int n, double fraction, long seed) {
        try (Dataset d = numbered(n); TrainTest parts = d.split(fraction, seed)) {
            List<Integer> out = new ArrayList<>();
            for (float v : parts.test().features().toFloatVector()) {
                out.add((int) v);
            }
            return out;
        }
    }

    private static List<Integer> tableHeldOut(int n, double fraction, long seed) {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(List.of(Integer.toString(i), "y"));
        }
        List<Integer> out = new ArrayList<>();
        for (String id : Table.of(List.of("id", "label"), rows).split(fraction, seed).test().column("id")) {
            out.add(Integer.parseInt(id));
        }
        return out;
    }

    /** The rows the trainer trained on (in visiting order) and validated on, read back by a metric. */
    private static List<List<Integer>> trainerRows(int n, double fraction, long seed) {
        List<List<Integer>> passes = new ArrayList<>();
        Metric rows = new Metric() {
            @Override
            public String name() {
                return "rows";
            }

            @Override
            public double compute(INDArray predictions, INDArray targets) {
                return 0;
            }

            @Override
            public boolean higherIsBetter() {
                return false;
            }

            @Override
            public Accumulator accumulator(Loss loss) {
                List<Integer> pass = new ArrayList<>();
                return new Accumulator() {
                    @Override
                    public void reset() {
                        pass.clear();
                    }

                    @Override
                    public void update(INDArray predictions, INDArray targets) {
                        for (int i = 0; i < targets.rows(); i++) {
                            pass.add((int) targets.getDouble(i, 0));
                        }
                    }

                    @Override
                    public double result() {
                        passes.add(List.copyOf(pass)); // after the training pass, then after validation
                        return 0;
                    }
                };
            }
        };
        try (Dataset d = numbered(n); Model m = Model.builder(1).add(Layers.dense(1)).seed(1).dataType(DataType.FLOAT).build()) {
            Trainer.builder(Losses.meanSquaredError()).epochs(1).batchSize(4).seed(seed).validationSplit(fraction)
                    .metrics(rows).build().fit(m, d);
        }
        assertEquals(2, passes.size());
        return passes;
    }
}
