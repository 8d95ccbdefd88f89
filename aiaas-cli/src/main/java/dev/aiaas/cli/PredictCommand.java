package dev.aiaas.cli;

import dev.aiaas.core.math.MathOps;
import dev.aiaas.core.data.Csv;
import dev.aiaas.core.data.DataFormatException;
import dev.aiaas.core.data.Idx;
import dev.aiaas.core.data.IdxData;
import dev.aiaas.core.data.Mnist;
import dev.aiaas.core.data.Table;
import dev.aiaas.core.data.UnknownCategory;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.tabular.TabularModel;
import dev.aiaas.core.backend.NativeMemory;
import dev.aiaas.core.backend.NativeMemoryException;
import dev.aiaas.core.io.CorruptInputException;
import dev.aiaas.core.io.Inputs;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code aiaas predict}: runs a saved model on new rows and writes a CSV of the predicted class
 * and the model's raw outputs per row.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a model saved by 'aiaas train --out' on new data and writes a CSV: a header 'class,output0,"
                + "output1,...', then one line per input row, in order, with the predicted class (the label's own text for "
                + "a model trained with --csv, the class index for one trained on IDX images) and the model's raw outputs "
                + "(logits).",
                "Input for a model trained with --csv: a CSV file with a header line and the training columns (by name, in "
                        + "any order; other columns, the label among them, are ignored). For a model trained on IDX images: an "
                        + "IDX images file (plain or gzipped), or a CSV file with one image per line as pixel values in "
                        + "[0, 1] (pixel / 255, as training scaled them), with or without a header line.",
                "Without --out the CSV goes to standard output."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas predict --model iris.aiaas --input flowers.csv --out predictions.csv",
                "  aiaas predict --model fashion.aiaas --input t10k-images-idx3-ubyte.gz \\",
                "      --out predictions.csv",
                "  aiaas predict --model fashion.aiaas --input pixels.csv"})
final class PredictCommand implements Callable<Integer> {

    @ParentCommand
    AiaasCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model saved by 'aiaas train --out'.")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "The rows to predict: a CSV file, or "
            + "for a model trained on IDX images an IDX images file.")
    Path input;

    @Option(names = "--out", paramLabel = "FILE", description = "The CSV file to write, atomically (gzipped when the name "
            + "ends in .gz) (default: standard output).")
    Path outFile;

    @Option(names = "--unknown-category", defaultValue = "error", paramLabel = "POLICY", description = "For a model trained "
            + "with --csv: a text value the training rows lacked is an error, or (zeros) encoded as all zeros "
            + "(default: ${DEFAULT-VALUE}).")
    String unknownCategory;

    /** Images per forward pass of a network. */
    static final int BATCH = 256;

    /** Rows and their predictions: the class column's text and the raw outputs, {@code width} per row. */
    private record Predictions(List<String> classes, float[][] outputs, int width) {
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        CliFiles.requireFile(cl, "--model", model);
        CliFiles.requireFile(cl, "--input", input);
        if (outFile != null) {
            CliFiles.requireParentFolder(cl, "--out", outFile);
        }
        parent.selectBackend(cl);
        boolean tabular = ModelFiles.isTabular(model);
        UnknownCategory unknown = TableData.unknownCategory(cl, unknownCategory, tabular);
        boolean idxInput = isIdx(input);
        Predictions p = tabular ? predictTable(unknown, idxInput) : predictImages(idxInput);
        if (outFile == null) {
            PrintWriter w = cl.getOut();
            write(w, p);
            w.flush();
        } else {
            try {
                CliFiles.writeAtomically(outFile, w -> write(w, p));
            } catch (IOException e) {
                throw new CommandFailedException("cannot write " + outFile + ": " + AiaasCommand.oneLine(e), e);
            }
            cl.getOut().println("wrote " + p.classes().size() + " predictions to " + outFile);
            cl.getOut().flush();
        }
        return 0;
    }

    private Predictions predictTable(UnknownCategory unknown, boolean idxInput) throws CommandFailedException {
        try (TabularModel m = ModelFiles.loadTabular(model)) {
            if (idxInput) {
                throw new CommandFailedException("--input " + input + " is an IDX file, but " + model + " was trained on a table: "
                        + "give a CSV file with a header line and the columns " + ModelFiles.columnNames(m), null);
            }
            Table rows = TableData.read(input);
            float[][] outputs = m.outputs(rows, unknown);
            requireFinite(outputs);
            List<String> classes = new ArrayList<>(outputs.length);
            for (float[] row : outputs) {
                classes.add(m.labels().decode(MathOps.argmax(row)));
            }
            return new Predictions(classes, outputs, m.labels().size());
        } catch (DataFormatException e) {
            throw new CommandFailedException(e.getMessage(), e);
        }
    }

    private Predictions predictImages(boolean idxInput) throws CommandFailedException, IOException {
        try (Model m = ModelFiles.loadNetwork(model)) {
            int width = Math.toIntExact(Arrays.stream(m.inputShape()).reduce(1, (a, b) -> a * b));
            int k = Math.toIntExact(Arrays.stream(m.outputShape()).reduce(1, (a, b) -> a * b));
            float[] x = idxInput ? idxPixels(width) : csvPixels(width);
            int n = x.length / width;
            if (n == 0) {
                return new Predictions(List.of(), new float[0][], k);
            }
            try {
                NativeMemory.require("the " + n + " input rows of " + input + " and the model's outputs",
                        NativeMemory.bytes("the inputs and outputs", (long) n * (width + 2L * k), 4));
            } catch (NativeMemoryException e) {
                throw new CommandFailedException("cannot predict " + n + " rows at once: " + e.getMessage(), e);
            }
            float[][] outputs = new float[n][];
            // in batches: a convolutional network's activations are many times its input (the cnn's first
            // layers hold 32 maps of 28x28 per image), so 10,000 images at once would need gigabytes
            for (int from = 0; from < n; from += BATCH) {
                int rows = Math.min(BATCH, n - from);
                long[] shape = new long[m.inputShape().length + 1];
                shape[0] = rows;
                System.arraycopy(m.inputShape(), 0, shape, 1, m.inputShape().length);
                float[] chunk = Arrays.copyOfRange(x, from * width, (from + rows) * width);
                try (INDArray in = Nd4j.createFromArray(chunk).reshape(shape); INDArray y = m.predict(in)) {
                    float[][] part = y.reshape(rows, k).toFloatMatrix();
                    System.arraycopy(part, 0, outputs, from, rows);
                }
            }
            requireFinite(outputs);
            List<String> classes = new ArrayList<>(outputs.length);
            for (float[] row : outputs) {
                classes.add(Integer.toString(MathOps.argmax(row)));
            }
            return new Predictions(classes, outputs, k);
        }
    }

    /**
     * The images of an IDX file as pixel / 255, as training scaled them ({@link Mnist#pixels}):
     * {@code width} values per image.
     */
    private float[] idxPixels(int width) throws CommandFailedException {
        IdxData images;
        try {
            images = Idx.read(input);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read " + input + ": " + AiaasCommand.oneLine(e), e);
        }
        if (images.itemSize() != width) {
            throw new CommandFailedException(input + " holds items of shape " + Arrays.toString(Arrays.copyOfRange(images.shape(), 1,
                    images.rank())) + " (" + images.itemSize() + " values); " + model + " takes " + width
                    + " values per image: was it trained on other images?", null);
        }
        return Mnist.pixels(images);
    }

    /**
     * The rows of a CSV file of pixel values in [0, 1], with or without a header line: {@code width}
     * values per row.
     */
    private float[] csvPixels(int width) throws CommandFailedException {
        Table t;
        try {
            t = Csv.readTable(input, ',', false);
        } catch (DataFormatException e) {
            throw new CommandFailedException(e.getMessage(), e);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read " + input + ": " + AiaasCommand.oneLine(e), e);
        }
        int first = 0;
        for (int c = 0; c < t.columnCount(); c++) {
            if (Float.isNaN(number(t.cell(0, c)))) {
                first = 1; // a header line: it names the columns
                break;
            }
        }
        String where = input.toString();
        if (t.columnCount() != width) {
            throw new CommandFailedException(where + ": at " + t.location(first < t.size() ? first : 0) + ": found "
                    + t.columnCount() + " values, expected " + width + " (one image per line, as the " + width
                    + " pixel values the model takes). Fix: write each image's pixels on one line", null);
        }
        float[] x = new float[(t.size() - first) * width];
        for (int r = first; r < t.size(); r++) {
            for (int c = 0; c < width; c++) {
                String cell = t.cell(r, c);
                float v = number(cell);
                if (Float.isNaN(v)) {
                    throw new CommandFailedException(where + ": at " + t.location(r) + ", column " + (c + 1) + ": found "
                            + Inputs.excerpt(cell) + ", expected a pixel value in [0, 1]. Fix: write a number there", null);
                }
                if (v < 0 || v > 1) {
                    throw new CommandFailedException(where + ": at " + t.location(r) + ", column " + (c + 1) + ": found "
                            + Inputs.excerpt(cell) + ", expected a pixel value in [0, 1] (pixel / 255, as training scaled the images). Fix: "
                            + "divide 0-255 values by 255", null);
                }
                x[(r - first) * width + c] = v;
            }
        }
        return x;
    }

    /** Refuses outputs that are not finite: their class (argmax) would be a guess. */
    private void requireFinite(float[][] outputs) throws CommandFailedException {
        for (int i = 0; i < outputs.length; i++) {
            for (int j = 0; j < outputs[i].length; j++) {
                if (!Float.isFinite(outputs[i][j])) {
                    throw new CommandFailedException("the outputs of " + model + " are not finite for input row " + (i + 1)
                            + " (output" + j + " = " + outputs[i][j] + "), so its class is unknown. Fix: check that row "
                            + "for very large values, or retrain the model (a lower --lr)", null);
                }
            }
        }
    }

    /** A cell as a finite number, or NaN. */
    private static float number(String cell) {
        String s = cell.strip();
        if (s.isEmpty() || Character.isLetter(s.charAt(s.length() - 1))) {
            return Float.NaN; // also NaN, Infinity and Java's 1f, 2d
        }
        try {
            float v = Float.parseFloat(s);
            return Float.isFinite(v) ? v : Float.NaN;
        } catch (NumberFormatException e) {
            return Float.NaN;
        }
    }

    /**
     * Whether a file starts as an IDX file does (00 00 08), plain or gzipped (through
     * {@link Inputs}: three bytes are decompressed, whatever the file holds after them).
     */
    static boolean isIdx(Path file) throws IOException {
        try (InputStream in = Inputs.open(file, Inputs.UNLIMITED, "-")) {
            byte[] magic = in.readNBytes(3);
            return magic.length == 3 && magic[0] == 0 && magic[1] == 0 && magic[2] == IdxData.UNSIGNED_BYTE;
        } catch (CorruptInputException e) {
            return false; // a damaged gzip stream: read as CSV, which will say what is wrong
        }
    }

    /** The CSV: {@code class,output0,...}, then one line per row. */
    private static void write(Writer w, Predictions p) throws IOException {
        int k = p.width();
        List<String> header = new ArrayList<>(k + 1);
        header.add("class");
        for (int j = 0; j < k; j++) {
            header.add("output" + j);
        }
        CSVPrinter printer = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get());
        printer.printRecord(header);
        List<String> line = new ArrayList<>(k + 1);
        for (int i = 0; i < p.outputs().length; i++) {
            line.clear();
            line.add(p.classes().get(i));
            for (float v : p.outputs()[i]) {
                line.add(Float.toString(v));
            }
            printer.printRecord(line);
        }
        printer.flush();
    }
}
