package dev.aiaas.core.tabular;

import dev.aiaas.core.data.DataFormatException;
import dev.aiaas.core.data.LabelEncoder;
import dev.aiaas.core.data.Preprocessor;
import dev.aiaas.core.data.Table;
import dev.aiaas.core.data.UnknownCategory;
import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A classifier of table rows: a {@link Model} that takes {@link Preprocessor#width()} inputs and
 * gives one score per class (logits, or probabilities from a final softmax), with the
 * {@link Preprocessor} fitted on its training rows. It takes raw rows, as a CSV file holds them,
 * and answers with class indices, the labels' text, or class probabilities.
 *
 * <pre>{@code
 * Table rows = Csv.readTable(Path.of("iris.csv"));
 * Table.Split parts = rows.split(0.2, 42);
 * Preprocessor prep = Preprocessor.fit(parts.train(), "species");
 * Model net = Model.builder(prep.width()).add(Layers.dense(16, Activation.RELU))
 *         .add(Layers.dense(prep.labels().size())).seed(42).build();
 * try (TabularModel model = new TabularModel(net, prep); Dataset train = prep.dataset(parts.train())) {
 *     Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).epochs(100).batchSize(16).build().fit(net, train);
 *     model.save(Path.of("iris.aiaas"));
 *     String species = model.predictLabel(rows.rowMap(0));
 * }
 * }</pre>
 *
 * <p><b>File.</b> {@link #save} writes an ordinary model file ({@link ModelIO}) whose provenance
 * holds the preprocessor under {@code tabular.*} ({@link Preprocessor#toEntries()}, with
 * {@code tabular.kind=table-classifier} and {@code tabular.format=1}). {@link ModelIO#load} reads
 * such a file as the bare network, which takes preprocessed inputs; {@link #load} reads it whole.
 *
 * <p>It owns the model: {@link #close()} closes it. Not thread-safe, as {@link Model}.
 */
public final class TabularModel implements AutoCloseable {

    /** The value of {@code tabular.kind} in the provenance of a file {@link #save} wrote. */
    public static final String KIND = "table-classifier";
    /** The newest version of the {@code tabular.*} entries this library writes and reads. */
    public static final int FORMAT = 1;
    private static final String PREFIX = "tabular.";

    private final Model model;
    private final Preprocessor preprocessor;

    /**
     * Joins a network and the preprocessor its inputs come from; takes ownership of the network.
     *
     * @param model        takes {@code [B, preprocessor.width()]} and gives {@code [B, k]}, k the
     *                     number of classes
     * @param preprocessor fitted on the training rows
     * @throws IllegalArgumentException when the shapes do not fit, naming both
     */
    public TabularModel(Model model, Preprocessor preprocessor) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(preprocessor, "preprocessor");
        long[] in = model.inputShape();
        long[] out = model.outputShape();
        int k = preprocessor.labels().size();
        if (in.length != 1 || in[0] != preprocessor.width()) {
            throw new IllegalArgumentException("the model takes " + Arrays.toString(in) + " per example; the preprocessor "
                    + "gives [" + preprocessor.width() + "]. Build the model with Model.builder(preprocessor.width())");
        }
        if (out.length != 1 || out[0] != k) {
            throw new IllegalArgumentException("the model gives " + Arrays.toString(out) + " per example; the label column '"
                    + preprocessor.label() + "' has " + k + " classes " + preprocessor.labels().classes()
                    + ". End the model with Layers.dense(" + k + ")");
        }
        this.model = model;
        this.preprocessor = preprocessor;
    }

    /**
     * The network, which takes preprocessed inputs; for training it (the trainer updates it in place).
     *
     * @return the network this model owns
     */
    public Model model() {
        return model;
    }

    /**
     * The preprocessing fitted on the training rows.
     *
     * @return the preprocessor
     */
    public Preprocessor preprocessor() {
        return preprocessor;
    }

    /**
     * The classes: class {@code i} has the label {@code labels().decode(i)}.
     *
     * @return the label encoder
     */
    public LabelEncoder labels() {
        return preprocessor.labels();
    }

    /**
     * The class index of one raw row.
     *
     * @param row column name to cell, with every input column (others, the label among them, are ignored)
     * @return the class index
     * @throws IllegalArgumentException as {@link Preprocessor#transform(Map)}
     */
    public int predictClass(Map<String, String> row) {
        return model.predictClass(new float[][] {preprocessor.transform(row)})[0];
    }

    /**
     * The label of one raw row's class, as the label column wrote it.
     *
     * @param row column name to cell, with every input column
     * @return the label
     * @throws IllegalArgumentException as {@link Preprocessor#transform(Map)}
     */
    public String predictLabel(Map<String, String> row) {
        return labels().decode(predictClass(row));
    }

    /**
     * The class probabilities of one raw row ({@link Model#predictProba(float[][])}).
     *
     * @param row column name to cell, with every input column
     * @return one probability per class, in class-index order
     * @throws IllegalArgumentException as {@link Preprocessor#transform(Map)}
     */
    public float[] predictProba(Map<String, String> row) {
        return model.predictProba(new float[][] {preprocessor.transform(row)})[0];
    }

    /**
     * The class index of every row.
     *
     * @param rows rows with every input column
     * @return one class index per row
     * @throws DataFormatException as {@link Preprocessor#transform(Table)}
     */
    public int[] predictClass(Table rows) throws DataFormatException {
        return rows.size() == 0 ? new int[0] : model.predictClass(preprocessor.transform(rows));
    }

    /**
     * The label of every row's class.
     *
     * @param rows rows with every input column
     * @return one label per row
     * @throws DataFormatException as {@link Preprocessor#transform(Table)}
     */
    public List<String> predictLabel(Table rows) throws DataFormatException {
        List<String> out = new ArrayList<>(rows.size());
        for (int c : predictClass(rows)) {
            out.add(labels().decode(c));
        }
        return out;
    }

    /**
     * The class probabilities of every row.
     *
     * @param rows rows with every input column
     * @return {@code [rows.size()][k]}
     * @throws DataFormatException as {@link Preprocessor#transform(Table)}
     */
    public float[][] predictProba(Table rows) throws DataFormatException {
        return rows.size() == 0 ? new float[0][] : model.predictProba(preprocessor.transform(rows));
    }

    /**
     * The network's raw outputs (logits, or probabilities where it ends in a softmax) for every row.
     *
     * @param rows    rows with every input column
     * @param unknown what a text value unseen in training gives
     * @return {@code [rows.size()][k]}
     * @throws DataFormatException as {@link Preprocessor#transform(Table, UnknownCategory)}
     */
    public float[][] outputs(Table rows, UnknownCategory unknown) throws DataFormatException {
        float[][] x = preprocessor.transform(rows, unknown);
        if (x.length == 0) {
            return new float[0][];
        }
        try (INDArray in = Nd4j.createFromArray(x); INDArray y = model.predict(in)) {
            return y.toFloatMatrix();
        }
    }

    /**
     * Saves the network and the preprocessor in one model file.
     *
     * @param file the destination, replaced atomically
     * @throws IOException when it cannot be written
     */
    public void save(Path file) throws IOException {
        save(file, Map.of());
    }

    /**
     * Saves the network and the preprocessor in one model file, with more provenance entries
     * (for example the training settings).
     *
     * @param file       the destination, replaced atomically
     * @param provenance entries to store beside the preprocessor's (keys must not start with {@code tabular.})
     * @throws IOException when it cannot be written
     */
    public void save(Path file, Map<String, String> provenance) throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        provenance.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                throw new IllegalArgumentException("provenance key '" + k + "' is reserved for the preprocessor; rename it");
            }
            p.put(k, v);
        });
        p.put(PREFIX + "kind", KIND);
        p.put(PREFIX + "format", Integer.toString(FORMAT));
        preprocessor.toEntries().forEach((k, v) -> p.put(PREFIX + k, v));
        ModelIO.save(model, file, p);
    }

    /**
     * Whether a model file's provenance says it holds a table classifier.
     *
     * @param provenance the entries {@link ModelIO#provenance(Path)} returns
     * @return true for a file {@link #save} wrote
     */
    public static boolean isTabular(Map<String, String> provenance) {
        return KIND.equals(provenance.get(PREFIX + "kind"));
    }

    /**
     * Loads a table classifier that {@link #save} wrote, within {@link ModelIO.LoadOptions#defaults()}.
     *
     * @param file the model file
     * @return the model, predicting as the saved one did
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     * @throws ModelFormatException when it is not an aiaas model file (or is a malformed one, as
     *                              {@link ModelIO#load(Path)} says), holds a network without a
     *                              preprocessor (from {@code aiaas train} on IDX files), has a newer
     *                              {@code tabular.format}, its table entries are malformed (a count
     *                              beyond the entries present, a scale that is not a positive finite
     *                              number, a repeated class or category), or they disagree with its network
     * @throws IOException on another read failure
     */
    public static TabularModel load(Path file) throws IOException {
        return load(file, ModelIO.LoadOptions.defaults());
    }

    /**
     * Loads a table classifier that {@link #save} wrote, within the given limits (which bound its
     * table entries too, through the header's size).
     *
     * @param file    the model file
     * @param options the limits of the load
     * @return the model, predicting as the saved one did
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     * @throws ModelFormatException as {@link #load(Path)}, a limit being {@code options}'
     * @throws IOException on another read failure
     */
    public static TabularModel load(Path file, ModelIO.LoadOptions options) throws IOException {
        Map<String, String> provenance = ModelIO.provenance(file, options);
        if (!isTabular(provenance)) {
            throw new ModelFormatException(file, "is an aiaas model file but holds no table preprocessing (no "
                    + "tabular.kind=" + KIND + " in its provenance): it takes model inputs, not table rows. Load it with "
                    + "ModelIO.load, or train a table classifier with 'aiaas train --csv'");
        }
        String format = provenance.get(PREFIX + "format");
        Preprocessor preprocessor;
        try {
            int version = Integer.parseInt(String.valueOf(format));
            if (version < 1) {
                throw new ModelFormatException(file, "tabular.format is " + version + "; versions start at 1, the file is corrupt");
            }
            if (version > FORMAT) {
                throw new ModelFormatException(file, "tabular.format " + version + ", this library reads up to " + FORMAT
                        + "; load it with a newer aiaas");
            }
            Map<String, String> entries = new LinkedHashMap<>();
            provenance.forEach((k, v) -> {
                if (k.startsWith(PREFIX)) {
                    entries.put(k.substring(PREFIX.length()), v);
                }
            });
            preprocessor = Preprocessor.fromEntries(entries);
        } catch (RuntimeException e) { // IllegalArgumentException (NumberFormatException included), NullPointerException
            throw new ModelFormatException(file, "has inconsistent table entries (tabular.*): " + brief(e.getMessage()), e);
        }
        Model model = ModelIO.load(file, options);
        try {
            return new TabularModel(model, preprocessor);
        } catch (RuntimeException e) {
            model.close();
            throw new ModelFormatException(file, "its network does not fit its table entries: " + brief(e.getMessage()), e);
        }
    }

    /** A message of bounded length: the table's own messages may list every category. */
    private static String brief(String message) {
        return message == null || message.length() <= 300 ? message : message.substring(0, 300) + "... (" + message.length()
                + " characters)";
    }

    /** Closes the network. */
    @Override
    public void close() {
        model.close();
    }

    /** For example {@code TabularModel[4 columns -> 4 inputs -> 3 classes [setosa, versicolor, virginica]]}. */
    @Override
    public String toString() {
        return "TabularModel[" + preprocessor.features().size() + " columns -> " + preprocessor.width() + " inputs -> "
                + labels().size() + " classes " + labels().classes() + "]";
    }
}
