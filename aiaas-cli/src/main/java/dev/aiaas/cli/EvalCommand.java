package dev.aiaas.cli;

import dev.aiaas.core.data.DataFormatException;
import dev.aiaas.core.data.Dataset;
import dev.aiaas.core.data.NonFiniteDataException;
import dev.aiaas.core.data.Table;
import dev.aiaas.core.data.TrainTest;
import dev.aiaas.core.data.UnknownCategory;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.tabular.TabularModel;
import dev.aiaas.core.train.Trainer;
import java.nio.file.Path;
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

/** {@code aiaas eval}: the test accuracy of a saved model, on IDX test files or on a CSV table. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints the test loss and 'test accuracy: 0.xxxx' of a model saved by 'aiaas train --out'.",
                "A model trained on IDX files is scored on the test files of an MNIST-format folder (default: the embedded "
                        + "Fashion-MNIST subset); one trained with --csv on a CSV file with its columns and label column."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas eval --model fashion.aiaas",
                "  aiaas eval --model mnist.aiaas --dataset ~/mnist",
                "  aiaas eval --model iris.aiaas --csv iris-test.csv"})
final class EvalCommand implements Callable<Integer> {

    @ParentCommand
    AiaasCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model saved by 'aiaas train --out'.")
    Path model;

    @Option(names = "--dataset", paramLabel = "DIR", description = "For a model trained on IDX files: the folder of IDX files "
            + "(default: the embedded Fashion-MNIST subset).")
    Path dataset;

    @Option(names = "--csv", paramLabel = "FILE", description = "For a model trained with --csv: the rows to score, with the "
            + "training columns and the label column.")
    Path csv;

    @Option(names = "--unknown-category", defaultValue = "error", paramLabel = "POLICY", description = "With --csv: a text "
            + "value the training rows lacked is an error, or (zeros) encoded as all zeros (default: ${DEFAULT-VALUE}).")
    String unknownCategory;

    @Option(names = "--batch-size", defaultValue = "256", paramLabel = "B", description = "Examples per forward pass, "
            + "1 to 1,000,000 (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        CliFiles.requireFile(cl, "--model", model);
        if (csv != null && dataset != null) {
            throw new ParameterException(cl, "--csv and --dataset are two sources of test data; give one of them");
        }
        if (csv != null) {
            CliFiles.requireFile(cl, "--csv", csv);
        }
        UnknownCategory unknown = TableData.unknownCategory(cl, unknownCategory, csv != null);
        CliNumbers.range(cl, "--batch-size", batchSize, 1, CliNumbers.MAX_BATCH, "examples per forward pass");
        Trainer trainer;
        try {
            trainer = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).batchSize(batchSize).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        }
        parent.selectBackend(cl);
        Map<String, Double> r;
        if (ModelFiles.isTabular(model)) {
            r = evaluateTable(trainer, unknown);
        } else {
            r = evaluateIdx(trainer);
        }
        if (!Double.isFinite(r.get("loss"))) {
            throw new CommandFailedException("the test loss of " + model + " is " + r.get("loss") + ": its outputs are not "
                    + "finite on this data. Fix: retrain the model (a lower --lr), or check the data for very large values",
                    null);
        }
        var out = cl.getOut();
        out.printf(Locale.ROOT, "test loss: %.4f%n", r.get("loss"));
        out.printf(Locale.ROOT, "test accuracy: %.4f%n", r.get("accuracy"));
        out.flush();
        return 0;
    }

    private Map<String, Double> evaluateTable(Trainer trainer, UnknownCategory unknown) throws CommandFailedException {
        if (dataset != null || csv == null) {
            throw new CommandFailedException(model + " was trained on a table (" + describe(model) + "): score it on a CSV file "
                    + "with those columns and the label column, with --csv FILE" + (dataset != null ? ", not --dataset" : ""), null);
        }
        Table rows = TableData.read(csv);
        try (TabularModel m = ModelFiles.loadTabular(model); Dataset data = m.preprocessor().dataset(rows, unknown)) {
            return trainer.evaluate(m.model(), data);
        } catch (DataFormatException | NonFiniteDataException e) {
            throw new CommandFailedException(e.getMessage(), e);
        }
    }

    private Map<String, Double> evaluateIdx(Trainer trainer) throws CommandFailedException {
        if (csv != null) {
            throw new CommandFailedException(model + " was trained on IDX images, not on a table: score it on IDX test files "
                    + "with --dataset DIR (or on the embedded subset without it), not --csv", null);
        }
        try (Model m = ModelFiles.loadNetwork(model); TrainTest data = DatasetOption.load(spec.commandLine(), dataset)) {
            if (m.inputShape()[0] != data.test().featureCount()) {
                throw new CommandFailedException("the model takes " + m.inputShape()[0] + " features, the dataset has "
                        + data.test().featureCount() + ": was it trained on another dataset?", null);
            }
            return trainer.evaluate(m, data.test());
        } catch (NonFiniteDataException e) {
            throw new CommandFailedException(e.getMessage(), e);
        }
    }

    /** For example {@code label 'species', columns [sepal_length, ...]}. */
    private static String describe(Path model) throws CommandFailedException {
        try (TabularModel m = ModelFiles.loadTabular(model)) {
            return "label '" + m.preprocessor().label() + "', columns " + ModelFiles.columnNames(m);
        }
    }
}
