package dev.aiaas.cli;

import dev.aiaas.core.data.TrainTest;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
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

/** {@code aiaas eval}: the test accuracy of a saved model. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Prints 'test accuracy: 0.xxxx' (and the test loss) of a model saved by 'aiaas train --out' "
                + "on the test files of an MNIST-format folder (default: the embedded Fashion-MNIST subset).")
final class EvalCommand implements Callable<Integer> {

    @ParentCommand
    AiaasCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model saved by 'aiaas train --out'.")
    Path model;

    @Option(names = "--dataset", paramLabel = "DIR", description = "Folder of IDX files (default: the embedded Fashion-MNIST subset).")
    Path dataset;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (!Files.isRegularFile(model)) {
            throw new ParameterException(cl, "--model: no such file " + model.toAbsolutePath());
        }
        parent.selectBackend(cl);
        Model m;
        try {
            m = ModelIO.load(model);
        } catch (IOException e) {
            throw new CommandFailedException("cannot load " + model + ": " + e.getMessage(), e);
        }
        try (m; TrainTest data = DatasetOption.load(cl, dataset)) {
            if (m.inputShape()[0] != data.test().featureCount()) {
                throw new CommandFailedException("the model takes " + m.inputShape()[0] + " features, the dataset has "
                        + data.test().featureCount() + ": was it trained on another dataset?", null);
            }
            Trainer trainer = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).batchSize(256).build();
            Map<String, Double> r = trainer.evaluate(m, data.test());
            var out = cl.getOut();
            out.printf(Locale.ROOT, "test loss: %.4f%n", r.get("loss"));
            out.printf(Locale.ROOT, "test accuracy: %.4f%n", r.get("accuracy"));
            out.flush();
        }
        return 0;
    }
}
