package dev.aiaas.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code aiaas lm}: n-gram language models, in the manner of KenLM's tools: {@code build} (as
 * {@code lmplz}), {@code eval} (as {@code query}) and {@code sample}.
 */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = {"N-gram language models, in the manner of KenLM's lmplz and query.",
                "Corpora are UTF-8 text, one pre-tokenized sentence per line, plain or gzip-compressed; "
                        + "models are ARPA files (plain, or gzip-compressed when the name ends in .gz)."},
        subcommands = {LmBuildCommand.class, LmEvalCommand.class, LmSampleCommand.class})
final class LmCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "Missing command: try 'aiaas lm build', 'aiaas lm eval', 'aiaas lm sample' or 'aiaas lm --help'.");
    }
}
