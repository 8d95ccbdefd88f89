package dev.aiaas.core.data;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * Class labels as text, and their class indices: class {@code i} is {@code classes().get(i)}.
 *
 * <p>{@link #fit} orders the classes by sorting them, so the indices do not depend on the order of
 * the rows (as scikit-learn's {@code LabelEncoder}): by numeric value when every label is a
 * number ({@code "2"} before {@code "10"}; equal values such as {@code "1"} and {@code "1.0"}
 * by their text), else by {@link String#compareTo} (UTF-16 code units: {@code "B"} before
 * {@code "a"}). For the labels {@code setosa, versicolor, virginica}, {@code setosa} is class 0.
 *
 * @param classes the label of each class, in class-index order: distinct, at least one, none null
 */
public record LabelEncoder(List<String> classes) {

    /**
     * Validates and copies the classes.
     *
     * @param classes the label of each class, in class-index order: distinct, at least one
     */
    public LabelEncoder {
        Objects.requireNonNull(classes, "classes");
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("a label encoder needs at least one class; got none. Fit it on labelled rows");
        }
        List<String> indexed = IndexedList.distinct(classes); // rejects null labels
        if (indexed == null) {
            throw new IllegalArgumentException("classes " + classes + " has a label twice; expected distinct labels");
        }
        classes = indexed;
    }

    /**
     * The encoder of the distinct labels in {@code labels}, sorted as the class Javadoc says.
     *
     * @param labels the labels of the training rows (repeats are expected)
     * @return the encoder
     * @throws IllegalArgumentException when there is no label
     */
    public static LabelEncoder fit(Collection<String> labels) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(labels));
        boolean numeric = !distinct.isEmpty() && distinct.stream().allMatch(s -> !Double.isNaN(Csv.decimal(s)));
        distinct.sort(numeric ? Comparator.comparingDouble(Csv::decimal).thenComparing(Comparator.naturalOrder())
                : Comparator.naturalOrder());
        return new LabelEncoder(distinct);
    }

    /**
     * The number of classes.
     *
     * @return {@code k}
     */
    public int size() {
        return classes.size();
    }

    /**
     * The class index of a label.
     *
     * @param label a label
     * @return its index in {@code [0, size())}
     * @throws IllegalArgumentException when the label is not one of {@link #classes()}
     */
    public int encode(String label) {
        int i = classes.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException("unknown label '" + label + "'; the classes are " + classes
                    + ". Fix the label, or retrain with rows of this class");
        }
        return i;
    }

    /**
     * Whether {@code label} is one of the classes.
     *
     * @param label a label
     * @return true when {@link #encode} takes it
     */
    public boolean contains(String label) {
        return classes.contains(label);
    }

    /**
     * The label of a class index.
     *
     * @param index a class index
     * @return its label
     * @throws IllegalArgumentException when the index is outside {@code [0, size())}
     */
    public String decode(int index) {
        if (index < 0 || index >= classes.size()) {
            throw new IllegalArgumentException("class index " + index + " is outside [0, " + classes.size()
                    + "); expected an index of one of the classes " + classes);
        }
        return classes.get(index);
    }

    /**
     * An unmodifiable list of distinct strings that knows the index of each: {@link #indexOf} and
     * {@link #contains} are hash look-ups, built once with the list. Equal to (and with the hash
     * code of) any list of the same strings in the same order, as {@link List#copyOf} is, so the
     * records that hold one ({@link LabelEncoder#classes()},
     * {@link Feature.Categorical#categories()}) compare as before.
     */
    static final class IndexedList extends AbstractList<String> implements RandomAccess {
        private final String[] values;
        private final Map<String, Integer> index;

        private IndexedList(String[] values, Map<String, Integer> index) {
            this.values = values;
            this.index = index;
        }

        /**
         * The values, indexed, or null when one appears twice.
         *
         * @throws NullPointerException when a value is null (and none repeats)
         */
        static IndexedList distinct(Collection<String> values) {
            if (values instanceof IndexedList l) {
                return l;
            }
            String[] v = values.toArray(new String[0]);
            Map<String, Integer> index = new HashMap<>(v.length * 4 / 3 + 1);
            for (int i = 0; i < v.length; i++) {
                if (index.putIfAbsent(v[i], i) != null) {
                    return null;
                }
            }
            if (index.containsKey(null)) {
                throw new NullPointerException("a null value in " + values);
            }
            return new IndexedList(v, index);
        }

        @Override
        public String get(int i) {
            return values[i];
        }

        @Override
        public int size() {
            return values.length;
        }

        @Override
        public int indexOf(Object o) {
            Integer i = index.get(o);
            return i == null ? -1 : i;
        }

        @Override
        public int lastIndexOf(Object o) {
            return indexOf(o); // the values are distinct
        }

        @Override
        public boolean contains(Object o) {
            return index.containsKey(o);
        }
    }
}
