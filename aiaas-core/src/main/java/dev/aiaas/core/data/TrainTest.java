package dev.aiaas.core.data;

import java.util.Objects;

/**
 * Two disjoint parts of the data: {@code train} and {@code test}. From
 * {@link Dataset#split(double, long)} the second part is the held-out validation set. Closing
 * closes both datasets.
 *
 * @param train the part to fit on
 * @param test  the part to evaluate on (test or validation)
 */
public record TrainTest(Dataset train, Dataset test) implements AutoCloseable {

    /**
     * Validates the record.
     *
     * @param train the part to fit on
     * @param test  the part to evaluate on (test or validation)
     */
    public TrainTest {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
    }

    /** Closes both datasets, freeing their arrays. */
    @Override
    public void close() {
        train.close();
        test.close();
    }
}
