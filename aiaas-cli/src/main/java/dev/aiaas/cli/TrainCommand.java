package dev.aiaas.cli;

import dev.aiaas.core.data.TrainTest;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.optim.Schedule;
import dev.aiaas.core.optim.Schedules;
import dev.aiaas.core.train.Callbacks;
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

/** {@code aiaas train}: trains a model on MNIST-format IDX files and reports its test accuracy. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a classifier on MNIST-format IDX files (MNIST, Fashion-MNIST), shows progress, "
                + "and ends with 'test accuracy: 0.xxxx'.",
                "The folder holds train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz] "
                        + "and t10k-labels-idx1-ubyte[.gz]; without --dataset, the embedded Fashion-MNIST subset is used."})
final class TrainCommand implements Callable<Integer> {

    @ParentCommand
    AiaasCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "DIR", description = "Folder of IDX files (default: the embedded Fashion-MNIST subset).")
    Path dataset;

    @Option(names = "--model", defaultValue = "mlp", paramLabel = "NAME",
            description = "The architecture: mlp = dense(--hidden, relu) then dense(10); mlp-bn = dense(--hidden), batch norm, "
                    + "GELU, dropout 0.2, then dense(10) (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--hidden", defaultValue = "256", paramLabel = "UNITS", description = "Hidden units of the mlp (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--epochs", defaultValue = "10", paramLabel = "N", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", paramLabel = "B", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.001", paramLabel = "RATE", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--schedule", defaultValue = "constant", paramLabel = "NAME",
            description = "The learning-rate schedule: constant, or cosine (decay to 0 over all the steps of the run) "
                    + "(default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the initialisation and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to save the trained model (written atomically).")
    Path out;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (!MODELS.contains(model)) {
            throw new ParameterException(cl, "--model: unknown model '" + model + "'; expected one of " + String.join(", ", MODELS));
        }
        if (out != null) {
            Path dir = out.toAbsolutePath().getParent();
            if (dir == null || !java.nio.file.Files.isDirectory(dir)) {
                throw new ParameterException(cl, "--out: the folder " + dir + " does not exist; create it first");
            }
        }
        if (!SCHEDULES.contains(schedule)) {
            throw new ParameterException(cl, "--schedule: unknown schedule '" + schedule + "'; expected one of " + String.join(", ", SCHEDULES));
        }
        try {
            trainer(cl, Schedules.constant());
            if (hidden < 1) {
                throw new IllegalArgumentException("--hidden must be a positive integer. Received: hidden=" + hidden);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        }
        parent.selectBackend(cl);
        PrintWriter pw = cl.getOut();
        try (TrainTest data = DatasetOption.load(cl, dataset);
             Model m = model.equals("mlp-bn") ? mlpWithNorm(data.train().featureCount(), hidden, data.train().numClasses(), seed)
                     : mlp(data.train().featureCount(), hidden, data.train().numClasses(), seed)) {
            pw.printf(Locale.ROOT, "dataset: %s: %,d training and %,d test examples of %d features, %d classes%n",
                    DatasetOption.describe(dataset), data.train().size(), data.test().size(), data.train().featureCount(),
                    data.train().numClasses());
            pw.print(m.summary());
            pw.flush();
            long stepsPerEpoch = (data.train().size() + batchSize - 1) / batchSize;
            Trainer trainer = trainer(cl, schedule.equals("cosine")
                    ? Schedules.cosine(0, Math.max(2, (long) epochs * stepsPerEpoch), 0.0) : Schedules.constant());
            long t0 = System.nanoTime();
            History h = trainer.fit(m, data.train());
            double seconds = (System.nanoTime() - t0) / 1e9;
            double accuracy = trainer.evaluate(m, data.test()).get("accuracy");
            pw.printf(Locale.ROOT, "trained %d epochs in %.1f s (%s)%n", h.epochCount(), seconds, h.stopReason());
            if (out != null) {
                Map<String, String> provenance = new LinkedHashMap<>();
                provenance.put("dataset", DatasetOption.describe(dataset));
                provenance.put("trainer", "adam lr=" + learningRate + " schedule=" + schedule + " epochs=" + epochs + " batch_size="
                        + batchSize + " seed=" + seed);
                provenance.put("test_accuracy", String.format(Locale.ROOT, "%.4f", accuracy));
                try {
                    ModelIO.save(m, out, provenance);
                } catch (IOException e) {
                    throw new CommandFailedException("cannot save the model to " + out + ": " + e.getMessage(), e);
                }
                pw.println("saved: " + out);
            }
            pw.printf(Locale.ROOT, "test accuracy: %.4f%n", accuracy);
            pw.flush();
        }
        return 0;
    }

    /** The names {@code --model} takes. */
    static final List<String> MODELS = List.of("mlp", "mlp-bn");

    /** The names {@code --schedule} takes. */
    static final List<String> SCHEDULES = List.of("constant", "cosine");

    private Trainer trainer(CommandLine cl, Schedule lrSchedule) {
        return Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.adam(learningRate)).schedule(lrSchedule)
                .epochs(epochs).batchSize(batchSize).seed(seed).callbacks(Callbacks.progress(cl.getOut())).build();
    }

    /** {@code mlp-bn}: dense(hidden) without activation, batch norm, GELU, dropout 0.2, then dense(classes) giving logits. */
    static Model mlpWithNorm(int inputs, int hidden, int classes, long seed) {
        return Model.builder(inputs).add(Layers.dense(hidden)).add(Layers.batchNorm()).add(Layers.gelu()).add(Layers.dropout(0.2))
                .add(Layers.dense(classes)).seed(seed).build();
    }

    /** The CLI's MLP: dense(hidden, relu), then dense(classes) giving logits. */
    static Model mlp(int inputs, int hidden, int classes, long seed) {
        return Model.builder(inputs).add(Layers.dense(hidden, Activation.RELU)).add(Layers.dense(classes)).seed(seed).build();
    }
}
