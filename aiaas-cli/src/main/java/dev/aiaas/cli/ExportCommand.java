package dev.aiaas.cli;

import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.onnx.OnnxExport;
import dev.aiaas.core.onnx.OnnxExportException;
import dev.aiaas.core.tabular.TabularModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code aiaas export}: a saved model as an ONNX file that ONNX Runtime and other engines run. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a model saved by 'aiaas train --out' as an ONNX file (opset " + OnnxExport.OPSET + ", float32, "
                + "dynamic batch) with input 'input' and output 'output'.",
                "A network's input is what it was trained on (IDX pixels scaled to [0, 1]); a model trained with --csv takes one "
                        + "value per column, its preprocessing in the graph: numeric columns raw, categorical ones as the index "
                        + "of their value in the category list written in the file's metadata."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas export --model fashion.aiaas --onnx fashion.onnx",
                "  aiaas export --model iris.aiaas --onnx iris.onnx"})
final class ExportCommand implements Callable<Integer> {

    @ParentCommand
    AiaasCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model saved by 'aiaas train --out'.")
    Path model;

    @Option(names = "--onnx", required = true, paramLabel = "OUT", description = "The ONNX file to write (replaced atomically).")
    Path onnx;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        CliFiles.requireFile(cl, "--model", model);
        CliFiles.requireParentFolder(cl, "--onnx", onnx);
        parent.selectBackend(cl);
        Map<String, String> provenance = new LinkedHashMap<>();
        try {
            provenance.putAll(ModelIO.provenance(model));
        } catch (IOException e) {
            throw new CommandFailedException("cannot load " + model + ": " + e.getMessage(), e);
        }
        boolean tabular = TabularModel.isTabular(provenance);
        provenance.keySet().removeIf(k -> k.startsWith("tabular.")); // the preprocessing is in the graph and its own metadata
        String input;
        String output;
        try {
            if (tabular) {
                try (TabularModel m = ModelFiles.loadTabular(model)) {
                    OnnxExport.write(m, onnx, provenance);
                    input = "[N, " + m.preprocessor().features().size() + "] (columns " + ModelFiles.columnNames(m) + ")";
                    output = "[N, " + m.model().outputShape()[0] + "] (classes " + m.preprocessor().labels().classes() + ")";
                }
            } else {
                try (Model m = ModelFiles.loadNetwork(model)) {
                    OnnxExport.write(m, onnx, provenance);
                    input = shape(m.inputShape());
                    output = shape(m.outputShape());
                }
            }
        } catch (OnnxExportException e) {
            throw new CommandFailedException("cannot export " + model + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CommandFailedException("cannot write " + onnx + ": " + e.getMessage(), e);
        }
        var out = cl.getOut();
        out.printf(Locale.ROOT, "wrote %s (%,d bytes, ONNX opset %d): input %s, output %s%n", onnx, Files.size(onnx), OnnxExport.OPSET,
                input, output);
        out.flush();
        return 0;
    }

    private static String shape(long[] perExample) {
        String s = Arrays.toString(perExample);
        return "[N, " + s.substring(1);
    }
}
