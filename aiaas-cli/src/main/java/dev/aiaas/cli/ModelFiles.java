package dev.aiaas.cli;

import dev.aiaas.core.backend.NativeMemoryException;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.tabular.TabularModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The model files of {@code aiaas eval} and {@code aiaas predict}: which kind a file holds and
 * loading it, a bad file (or one too big for the memory) being a failure that names it
 * ({@code cannot load FILE: reason}): one line, exit code 1.
 */
final class ModelFiles {

    private ModelFiles() {
    }

    /** Whether the model file holds a table classifier (a {@link TabularModel}). */
    static boolean isTabular(Path model) throws CommandFailedException {
        try {
            return TabularModel.isTabular(ModelIO.provenance(model));
        } catch (IOException | NativeMemoryException e) {
            throw cannotLoad(model, e);
        }
    }

    /** Loads a table classifier; the caller closes it. */
    static TabularModel loadTabular(Path model) throws CommandFailedException {
        try {
            return TabularModel.load(model);
        } catch (IOException | NativeMemoryException e) {
            throw cannotLoad(model, e);
        }
    }

    /** Loads a network (one trained on IDX files); the caller closes it. */
    static Model loadNetwork(Path model) throws CommandFailedException {
        try {
            return ModelIO.load(model);
        } catch (IOException | NativeMemoryException e) {
            throw cannotLoad(model, e);
        }
    }

    /** The names of the columns a table classifier takes, in its order. */
    static List<String> columnNames(TabularModel m) {
        return m.preprocessor().features().stream().map(f -> f.name()).toList();
    }

    private static CommandFailedException cannotLoad(Path model, Exception e) {
        return new CommandFailedException("cannot load " + model + ": " + e.getMessage(), e);
    }
}
