package dev.aiaas.cli;

import dev.aiaas.core.backend.NativeMemory;
import dev.aiaas.core.data.NonFiniteDataException;
import dev.aiaas.core.data.Preprocessor;
import dev.aiaas.core.data.Scaling;
import dev.aiaas.core.data.TrainTest;
import dev.aiaas.core.data.UnknownCategory;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.optim.Schedule;
import dev.aiaas.core.optim.Schedules;
import dev.aiaas.core.tabular.TabularModel;
import dev.aiaas.vision.nn.Networks;
import dev.aiaas.vision.transform.RandomShift;
import dev.aiaas.core.train.Augmentation;
import dev.aiaas.core.train.Callbacks;
import dev.aiaas.core.train.DivergenceException;
import dev.aiaas.core.train.History;
import dev.aiaas.core.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code aiaas train}: trains a classifier on MNIST-format IDX files or on a CSV table and reports
 * its test accuracy.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a classifier on MNIST-format IDX files (MNIST, Fashion-MNIST) or on a CSV table, shows "
                + "progress, and ends with 'test accuracy: 0.xxxx'.",
                "IDX: the folder holds train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz] "
                        + "and t10k-labels-idx1-ubyte[.gz]; without --dataset or --csv, the embedded Fashion-MNIST subset is used.",
                "CSV: a header line names the columns; --label names the one to predict (text or numbers; classes sorted). "
                        + "Columns of numbers are standardised (--scaling), other columns one-hot encoded, with statistics "
                        + "of the training rows only; all of it is saved in the model file, so that 'aiaas eval' and "
                        + "'aiaas predict' take raw rows."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas train --epochs 5 --out fashion.aiaas",
                "  aiaas train --dataset ~/mnist --model mlp-bn --plot history.png \\",
                "      --out mnist.aiaas",
                "  aiaas train --dataset /usr/share/datasets/fashion-mnist --model cnn \\",
                "      --epochs 15 --out fashion-cnn.aiaas",
                "  aiaas train --csv iris.csv --label species --epochs 60 --batch-size 16 \\",
                "      --lr 0.01 --hidden 16 --out iris.aiaas",
                "  aiaas train --csv train.csv --test-csv test.csv --label churned \\",
                "      --ignore customer_id --scaling min-max"})
final class TrainCommand implements Callable<Integer> {

    @ParentCommand
    AiaasCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "DIR", description = "Folder of IDX files (default: the embedded Fashion-MNIST subset).")
    Path dataset;

    @Option(names = "--csv", paramLabel = "FILE", description = "Train on this CSV file (header line, comma-separated, "
            + "quoted cells allowed; plain or gzipped) instead of IDX files; needs --label.")
    Path csv;

    @Option(names = "--label", paramLabel = "COLUMN", description = "With --csv: the column to predict.")
    String label;

    @Option(names = "--test-csv", paramLabel = "FILE", description = "With --csv: the rows to test on, with the same columns "
            + "(default: --validation-split of --csv's rows).")
    Path testCsv;

    @Option(names = "--validation-split", paramLabel = "F", description = "With --csv: the fraction of its rows held out "
            + "(shuffled with --seed) to test on, in (0, 1) (default: " + TableData.DEFAULT_HELD_OUT + ").")
    Double validationSplit;

    @Option(names = "--scaling", defaultValue = "standard", paramLabel = "NAME", description = "With --csv: how columns of "
            + "numbers are scaled: standard (mean 0, standard deviation 1), min-max (into [0, 1]) or none "
            + "(default: ${DEFAULT-VALUE}).")
    String scaling;

    @Option(names = "--ignore", split = ",", paramLabel = "COLUMN", description = "With --csv: columns to leave out, "
            + "separated by commas (an id, free text).")
    List<String> ignore;

    @Option(names = "--categorical", split = ",", paramLabel = "COLUMN", description = "With --csv: columns of numbers to "
            + "one-hot encode as categories (codes), separated by commas.")
    List<String> categorical;

    @Option(names = "--unknown-category", defaultValue = "error", paramLabel = "POLICY", description = "With --csv: a text "
            + "value of the test rows that the training rows lack is an error, or (zeros) encoded as all zeros "
            + "(default: ${DEFAULT-VALUE}).")
    String unknownCategory;

    @Option(names = "--model", defaultValue = "mlp", paramLabel = "NAME",
            description = "The architecture: mlp = dense(--hidden, relu) then dense(classes); mlp-bn = dense(--hidden), batch norm, "
                    + "GELU, dropout 0.2, then dense(classes); cnn = two blocks of two 3x3 convolutions (each with batch norm and "
                    + "relu) and 2x2 max pooling (32, 64 filters), then dense(128, relu) and dense(classes), for square grey "
                    + "images (IDX); "
                    + "lenet = LeNet-5, for 28x28 grey images; resnet = a small ResNet (a 3x3 convolution with 16 filters, "
                    + "three residual blocks of 16, 32 and 64 filters, global average pooling, dense(classes)), for square "
                    + "grey images (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--hidden", defaultValue = "256", paramLabel = "UNITS", description = "Hidden units of the mlp, 1 to 1,000,000 (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--epochs", defaultValue = "10", paramLabel = "N", description = "Passes over the training set, 1 to 1,000,000 (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", paramLabel = "B", description = "Examples per step, 1 to 1,000,000 (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.001", paramLabel = "RATE", description = "Adam's learning rate, a finite number > 0; "
            + "training that diverges (a loss or parameters that are NaN or infinite) stops with exit code 1 and saves "
            + "nothing (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--schedule", paramLabel = "NAME",
            description = "The learning-rate schedule: constant, or cosine (decay to 0 over all the steps of the run) "
                    + "(default: cosine for the convolutional models cnn, lenet and resnet, constant for the others).")
    String schedule;

    @Option(names = "--augment", paramLabel = "NAME",
            description = "Random changes to the training images, new at every step: none; shift (each image moved by up "
                    + "to " + MAX_SHIFT + " pixels up or down and left or right, the border filled with 0); flip (mirrored left "
                    + "to right half of the time: for photos and clothes, not for digits or text); or shift-flip (both). "
                    + "IDX images only; test images are never changed (default: flip for --model cnn, the Fashion-MNIST "
                    + "network, so use --augment none for digits; none for the others).")
    String augment;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the initialisation and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to save the trained model (written atomically); "
            + "for --csv with the preprocessing and the label names.")
    Path out;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw the loss and accuracy per epoch as a PNG.")
    Path plot;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (!MODELS.contains(model)) {
            throw new ParameterException(cl, "--model: unknown model '" + model + "'; expected one of " + String.join(", ", MODELS));
        }
        if (out != null) {
            CliFiles.requireParentFolder(cl, "--out", out);
        }
        if (plot != null) {
            CliFiles.requirePng(cl, "--plot", plot);
        }
        if (schedule == null) {
            schedule = defaultSchedule(model);
        }
        if (!SCHEDULES.contains(schedule)) {
            throw new ParameterException(cl, "--schedule: unknown schedule '" + schedule + "'; expected one of " + String.join(", ", SCHEDULES));
        }
        if (augment == null) {
            augment = defaultAugment(model, csv != null);
        }
        if (!AUGMENTS.contains(augment)) {
            throw new ParameterException(cl, "--augment: unknown augmentation '" + augment + "'; expected one of "
                    + String.join(", ", AUGMENTS));
        }
        if (csv != null && !augment.equals("none")) {
            throw new ParameterException(cl, "--augment " + augment + " changes images, but --csv gives a table; "
                    + "use --augment none, or IDX images with --dataset");
        }
        TableOptions table = tableOptions(cl);
        CliNumbers.range(cl, "--hidden", hidden, 1, CliNumbers.MAX_HIDDEN, "hidden units of the mlp");
        CliNumbers.range(cl, "--epochs", epochs, 1, CliNumbers.MAX_EPOCHS, "passes over the training set");
        CliNumbers.range(cl, "--batch-size", batchSize, 1, CliNumbers.MAX_BATCH, "examples per step");
        CliNumbers.positive(cl, "--lr", learningRate, "Adam's learning rate", "0.001");
        try {
            trainer(cl, Schedules.constant(), null);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        }
        parent.selectBackend(cl);
        PrintWriter pw = cl.getOut();
        TableData tableData = table == null ? null : TableData.load(cl, csv, label, testCsv, table.heldOut(), seed,
                table.options(), table.unknown());
        try (TrainTest data = tableData != null ? tableData.data() : DatasetOption.load(cl, dataset)) {
            requireMemory(cl, data);
            train(cl, pw, data, tableData, table);
        }
        return 0;
    }

    /**
     * Refuses, before the model is made, a {@code --hidden} whose parameters (with their gradients
     * and Adam's state) or a {@code --batch-size} whose batches would not fit in the native memory
     * available.
     */
    private void requireMemory(CommandLine cl, TrainTest data) {
        if (!model.startsWith("mlp")) {
            return; // the convolutional networks have fixed widths (--hidden does not apply); their batch memory is not estimated here
        }
        long d = data.train().featureCount();
        long k = data.train().numClasses();
        boolean norm = model.equals("mlp-bn");
        CliNumbers.requireMemory(cl, "--hidden", "the " + model + " " + d + "-" + hidden + "-" + k
                + " (its parameters, their gradients and Adam's state)",
                NativeMemory.bytes("the " + model, CliNumbers.trainingValues(d, hidden, k, norm), 4));
        long b = Math.min(batchSize, data.train().size());
        CliNumbers.requireMemory(cl, "--batch-size", "training batches of " + b + " examples through the " + model + " "
                + d + "-" + hidden + "-" + k, NativeMemory.bytes("a batch", CliNumbers.batchValues(b, d, hidden, k), 4));
    }

    private void train(CommandLine cl, PrintWriter pw, TrainTest data, TableData tableData, TableOptions table)
            throws CommandFailedException {
        try (Model m = network(model, data.train().featureCount(), hidden, data.train().numClasses(), seed)) {
            String source = tableData != null ? tableData.description() : DatasetOption.describe(dataset);
            pw.printf(Locale.ROOT, "dataset: %s: %,d training and %,d test examples of %d features, %d classes%n",
                    source, data.train().size(), data.test().size(), data.train().featureCount(),
                    data.train().numClasses());
            if (tableData != null) {
                pw.println(tableData.columnsLine(table.options().scaling().configName()));
            }
            pw.print(m.summary());
            pw.flush();
            long stepsPerEpoch = (data.train().size() + batchSize - 1) / batchSize;
            Trainer trainer;
            try {
                trainer = trainer(cl, schedule.equals("cosine")
                        ? Schedules.cosine(0, Math.max(2, (long) epochs * stepsPerEpoch), 0.0) : Schedules.constant(),
                        augmentation(augment, data.train().featureCount()));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, e.getMessage(), e);
            }
            long t0 = System.nanoTime();
            History h;
            Map<String, Double> test;
            try {
                h = trainer.fit(m, data.train());
                test = trainer.evaluate(m, data.test());
            } catch (DivergenceException e) {
                throw new CommandFailedException("training diverged at epoch " + e.epoch() + ", step " + e.step()
                        + (e.inParameters() ? " (the parameters are no longer finite)"
                                : " (the loss is " + e.loss() + ")")
                        + (out != null ? "; nothing was saved to " + out : "") + ". Fix: lower --lr (now " + learningRate
                        + "; the default is 0.001)", e);
            } catch (NonFiniteDataException e) {
                throw new CommandFailedException("cannot train on " + source + ": " + e.getMessage(), e);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (!Double.isFinite(test.get("loss"))) {
                throw new CommandFailedException("the trained model's test loss is " + test.get("loss") + ": its outputs "
                        + "are not finite on the test data" + (out != null ? "; nothing was saved to " + out : "")
                        + ". Fix: lower --lr (now " + learningRate + "), or check the data for very large values", null);
            }
            double accuracy = test.get("accuracy");
            pw.printf(Locale.ROOT, "trained %d epochs in %.1f s (%s)%n", h.epochCount(), seconds, h.stopReason());
            if (out != null) {
                Map<String, String> provenance = new LinkedHashMap<>();
                provenance.put("dataset", source);
                provenance.put("trainer", "adam lr=" + learningRate + " schedule=" + schedule + " augment=" + augment + " epochs="
                        + epochs + " batch_size=" + batchSize + " seed=" + seed);
                provenance.put("test_accuracy", String.format(Locale.ROOT, "%.4f", accuracy));
                try {
                    if (tableData != null) {
                        // the model stays owned by this try block; the tabular model only joins it to its preprocessing
                        new TabularModel(m, tableData.preprocessor()).save(out, provenance);
                    } else {
                        ModelIO.save(m, out, provenance);
                    }
                } catch (IOException e) {
                    throw new CommandFailedException("cannot save the model to " + out + ": " + e.getMessage(), e);
                }
                pw.println("saved: " + out);
            }
            if (plot != null) {
                try {
                    h.writeChart(plot);
                } catch (IOException e) {
                    throw new CommandFailedException("cannot write the chart " + plot + ": " + e.getMessage(), e);
                }
                pw.println("plot: " + plot);
            }
            pw.printf(Locale.ROOT, "test accuracy: %.4f%n", accuracy);
            pw.flush();
        }
    }

    /** The settings of {@code --csv}, checked. */
    private record TableOptions(double heldOut, Preprocessor.Options options, UnknownCategory unknown) {
    }

    /**
     * Checks the data options: {@code --csv} or {@code --dataset}, the options that go with
     * {@code --csv} only with it, {@code --label} with it.
     *
     * @return the table settings, or null for IDX data
     */
    private TableOptions tableOptions(CommandLine cl) {
        var parsed = cl.getParseResult();
        if (csv == null) {
            for (String o : CSV_ONLY) {
                if (parsed.hasMatchedOption(o)) {
                    throw new ParameterException(cl, o + " goes with --csv FILE (a table); IDX data (--dataset) has its own "
                            + "test files and no columns");
                }
            }
            return null;
        }
        if (dataset != null) {
            throw new ParameterException(cl, "--csv and --dataset are two sources of training data; give one of them");
        }
        CliFiles.requireFile(cl, "--csv", csv);
        if (label == null) {
            throw new ParameterException(cl, "--csv needs --label COLUMN: the name of the column to predict, as in the "
                    + "header line of " + csv);
        }
        if (testCsv != null) {
            if (validationSplit != null) {
                throw new ParameterException(cl, "--test-csv and --validation-split both say what to test on; give one of them");
            }
            CliFiles.requireFile(cl, "--test-csv", testCsv);
        }
        double heldOut = validationSplit != null ? validationSplit : TableData.DEFAULT_HELD_OUT;
        if (!(heldOut > 0 && heldOut < 1)) {
            throw new ParameterException(cl, "--validation-split must be in (0, 1), for example 0.2. Received: " + heldOut);
        }
        Scaling s;
        try {
            s = Scaling.parse(scaling);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, "--scaling: " + e.getMessage(), e);
        }
        UnknownCategory u = TableData.unknownCategory(cl, unknownCategory, true);
        try {
            Preprocessor.Options o = new Preprocessor.Options(s, TableData.columns(cl, "--categorical", categorical),
                    TableData.columns(cl, "--ignore", ignore));
            return new TableOptions(heldOut, o, u);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, "--categorical and --ignore: " + e.getMessage(), e); // a column named by both
        }
    }

    /** The options that only {@code --csv} takes. */
    static final List<String> CSV_ONLY = List.of("--label", "--test-csv", "--validation-split", "--scaling", "--ignore",
            "--categorical", "--unknown-category");

    /** The names {@code --model} takes. */
    static final List<String> MODELS = List.of("mlp", "mlp-bn", "cnn", "lenet", "resnet");

    /** The convolutional networks' names among {@link #MODELS}. */
    static final List<String> CONVOLUTIONAL = List.of("cnn", "lenet", "resnet");

    /**
     * The schedule without {@code --schedule}: cosine decay for the convolutional networks (their
     * test accuracy after a fixed number of epochs gains most from ending at a small learning rate;
     * the {@code cnn} reached 0.9361 on the full Fashion-MNIST in 15 epochs, seed 1: docs/benchmarks.md),
     * constant for the MLPs.
     */
    /**
     * The augmentation without {@code --augment}: left-right mirroring for the {@code cnn} on
     * images (chosen with its paired convolutions on a validation split of Fashion-MNIST's training
     * images, where each gained: docs/benchmarks.md), none for the others and for tables.
     */
    static String defaultAugment(String model, boolean table) {
        return model.equals("cnn") && !table ? "flip" : "none";
    }

    static String defaultSchedule(String model) {
        return CONVOLUTIONAL.contains(model) ? "cosine" : "constant";
    }

    /** The names {@code --schedule} takes. */
    static final List<String> SCHEDULES = List.of("constant", "cosine");

    /** The names {@code --augment} takes. */
    static final List<String> AUGMENTS = List.of("none", "shift", "flip", "shift-flip");

    /** The largest shift of {@code --augment shift}, in pixels (torchvision's {@code RandomCrop(28, padding=2)}). */
    static final int MAX_SHIFT = 2;

    /**
     * The augmentation {@code name} for square grey images of {@code inputs} pixels, or null for none.
     *
     * @throws IllegalArgumentException when the examples are not square images
     */
    static Augmentation augmentation(String name, int inputs) {
        if (name.equals("none")) {
            return null;
        }
        int side = (int) Math.round(Math.sqrt(inputs));
        if (side * side != inputs) {
            throw new IllegalArgumentException("--augment " + name + " moves square grey images, but these examples have "
                    + inputs + " features. Use --augment none");
        }
        return new RandomShift(1, side, side, name.startsWith("shift") ? Math.min(MAX_SHIFT, side - 1) : 0, name.endsWith("flip"));
    }

    private Trainer trainer(CommandLine cl, Schedule lrSchedule, Augmentation augmentation) {
        Trainer.Builder b = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.adam(learningRate))
                .schedule(lrSchedule).epochs(epochs).batchSize(batchSize).seed(seed).callbacks(Callbacks.progress(cl.getOut()));
        if (augmentation != null) {
            b.augmentation(augmentation);
        }
        return b.build();
    }

    /** {@code mlp-bn}: dense(hidden) without activation, batch norm, GELU, dropout 0.2, then dense(classes) giving logits. */
    static Model mlpWithNorm(int inputs, int hidden, int classes, long seed) {
        return Model.builder(inputs).add(Layers.dense(hidden)).add(Layers.batchNorm()).add(Layers.gelu()).add(Layers.dropout(0.2))
                .add(Layers.dense(classes)).seed(seed).build();
    }

    /**
     * The network {@code --model} names, for examples of {@code inputs} features: the convolutional
     * ones ({@code dev.aiaas.vision.nn.Networks}) read them as square grey images.
     *
     * @throws IllegalArgumentException when a convolutional network cannot take the examples (not
     *                                  square images; LeNet-5: not 28x28)
     */
    static Model network(String name, int inputs, int hidden, int classes, long seed) {
        int side = (int) Math.round(Math.sqrt(inputs));
        if (((name.equals("cnn") || name.equals("resnet")) && side * side != inputs) || (name.equals("lenet") && inputs != 28 * 28)) {
            throw new IllegalArgumentException("--model " + name + " takes " + (name.equals("lenet") ? "28x28" : "square")
                    + " grey images (an IDX folder such as MNIST's); these examples have " + inputs + " features. Use --model mlp");
        }
        return switch (name) {
            case "mlp-bn" -> mlpWithNorm(inputs, hidden, classes, seed);
            case "cnn" -> Networks.cnn(1, side, side, classes).seed(seed).build();
            case "lenet" -> Networks.lenet5(classes).seed(seed).build();
            case "resnet" -> Networks.resnetSmall(1, side, side, classes).seed(seed).build();
            default -> mlp(inputs, hidden, classes, seed);
        };
    }

    /** The CLI's MLP: dense(hidden, relu), then dense(classes) giving logits. */
    static Model mlp(int inputs, int hidden, int classes, long seed) {
        return Model.builder(inputs).add(Layers.dense(hidden, Activation.RELU)).add(Layers.dense(classes)).seed(seed).build();
    }
}
