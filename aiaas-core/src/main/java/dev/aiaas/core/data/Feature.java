package dev.aiaas.core.data;

import java.util.List;
import java.util.Objects;

/**
 * One input column of a table as {@link Preprocessor} encodes it: a {@link Numeric} column gives
 * one scaled value, a {@link Categorical} one gives a one-hot block of one value per category.
 */
public sealed interface Feature permits Feature.Numeric, Feature.Categorical {

    /**
     * The column's name in the table.
     *
     * @return the name
     */
    String name();

    /**
     * How many model inputs the column gives.
     *
     * @return 1 for a numeric column, the number of categories for a categorical one
     */
    int width();

    /**
     * A numeric column, scaled: {@code x' = (x − offset) / scale}, computed in float64 and
     * rounded to float32.
     *
     * @param name   the column's name
     * @param offset subtracted first: the training mean ({@link Scaling#STANDARD}), minimum
     *               ({@link Scaling#MIN_MAX}) or 0; finite
     * @param scale  divided by next: the training standard deviation, range or 1; finite and
     *               positive
     */
    record Numeric(String name, double offset, double scale) implements Feature {
        /**
         * Validates the column.
         *
         * @param name   the column's name
         * @param offset subtracted first; finite
         * @param scale  divided by next; finite and positive
         */
        public Numeric {
            Objects.requireNonNull(name, "name");
            if (!Double.isFinite(offset)) {
                throw new IllegalArgumentException("column '" + name + "': offset=" + offset + "; expected a finite number");
            }
            if (!(Double.isFinite(scale) && scale > 0)) {
                throw new IllegalArgumentException("column '" + name + "': scale=" + scale
                        + "; expected a finite number > 0 (1 for a constant column)");
            }
        }

        @Override
        public int width() {
            return 1;
        }

        /**
         * The scaled value.
         *
         * @param x a raw value
         * @return {@code (x − offset) / scale} as float32
         */
        public float apply(double x) {
            return (float) ((x - offset) / scale);
        }
    }

    /**
     * A text column, one-hot encoded: category {@code i} sets input {@code i} of the block to 1
     * and the others to 0.
     *
     * @param name       the column's name
     * @param categories the values seen in training, in block order (sorted by
     *                   {@link String#compareTo} when fitted): distinct, at least one, none null
     */
    record Categorical(String name, List<String> categories) implements Feature {
        /**
         * Validates and copies the categories.
         *
         * @param name       the column's name
         * @param categories the values, in block order: distinct, at least one
         */
        public Categorical {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(categories, "categories");
            if (categories.isEmpty()) {
                throw new IllegalArgumentException("column '" + name + "': no categories; expected at least one");
            }
            List<String> indexed = LabelEncoder.IndexedList.distinct(categories); // rejects null values
            if (indexed == null) {
                throw new IllegalArgumentException("column '" + name + "': categories " + categories
                        + " has a value twice; expected distinct values");
            }
            categories = indexed; // indexOf is a hash look-up, made once: the serving path encodes with it
        }

        @Override
        public int width() {
            return categories.size();
        }
    }
}
