package dev.aiaas.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code aiaas lm}: language models. N-gram models in the manner of KenLM's tools: {@code build}
 * (as {@code lmplz}), {@code eval} (as {@code query}) and {@code sample}; LSTM models:
 * {@code train}, then the same {@code eval} and {@code sample}.
 */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = {"Language models: n-gram models in the manner of KenLM's lmplz and query, and neural models (LSTM, GPT-style transformer).",
                "Corpora are UTF-8 text, one pre-tokenized sentence per line, plain or gzip-compressed; "
                        + "n-gram models are ARPA files (plain, or gzip-compressed when the name ends in .gz), "
                        + "LSTM and transformer models aiaas model files written by 'lm train'."},
        subcommands = {LmBuildCommand.class, LmTrainCommand.class, LmEvalCommand.class, LmSampleCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas lm build --order 3 --input train.txt --out model.arpa.gz",
                "  aiaas lm eval --model model.arpa.gz --input test.txt",
                "  aiaas lm train --input train.txt --validation test.txt --out lstm.aiaas",
                "  aiaas lm sample --model lstm.aiaas --count 3 --seed 42"})
final class LmCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "Missing command: try 'aiaas lm build', 'aiaas lm train', 'aiaas lm eval', 'aiaas lm sample' or 'aiaas lm --help'.");
    }
}
