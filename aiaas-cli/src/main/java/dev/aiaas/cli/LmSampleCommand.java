package dev.aiaas.cli;

import dev.aiaas.nlp.lm.LanguageModel;
import dev.aiaas.nlp.lm.Sampler;
import dev.aiaas.nlp.lm.SamplingOptions;
import dev.aiaas.nlp.text.BpeTokenizer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code aiaas lm sample}: draws sentences from an ARPA model with {@link Sampler}; the same
 * seed gives the same sentences.
 */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Samples sentences from an ARPA model or an LSTM or transformer model, one per line, words separated by spaces "
                + "(for a model built with --tokenizer bpe, the decoded text).",
                "From p(w | context) it keeps q(w) ~ p(w)^(1/T), the top-k words, then the smallest set of most "
                        + "probable words whose mass reaches top-p, and draws; </s> ends a sentence."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas lm sample --model model.arpa.gz --count 5 --seed 42",
                "  aiaas lm sample --model lstm.aiaas --count 3 --seed 7 \\",
                "      --temperature 0.8 --top-k 40"})
final class LmSampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The ARPA model (plain or gzip-compressed), or an LSTM or transformer model written by 'lm train'.")
    Path model;

    /** The most {@code --count}: ten million sentences, each printed as drawn. */
    static final int MAX_COUNT = 10_000_000;

    @Option(names = "--count", required = true, paramLabel = "K", description = "How many sentences, 1.." + MAX_COUNT + ".")
    int count;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the random draws (default: ${DEFAULT-VALUE}, as every command's).")
    long seed;

    @Option(names = "--temperature", defaultValue = "1.0", paramLabel = "T",
            description = "Positive; below 1 sharpens the distribution (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K",
            description = "Keep the K most probable words; 0 keeps all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", paramLabel = "P",
            description = "Nucleus mass in (0, 1]; 1 keeps all (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--max-tokens", defaultValue = "100", paramLabel = "M",
            description = "At most M words per sentence, 1.." + SamplingOptions.MAX_TOKENS + " (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (count < 1 || count > MAX_COUNT) {
            throw new ParameterException(cl, "--count must be in 1.." + MAX_COUNT + ", got " + count
                    + "; for more sentences, run again with another --seed");
        }
        if (maxTokens < 1 || maxTokens > SamplingOptions.MAX_TOKENS) {
            throw new ParameterException(cl, "--max-tokens must be in 1.." + SamplingOptions.MAX_TOKENS + ", got "
                    + maxTokens + "; 100 is usual for sentences");
        }
        SamplingOptions options;
        try {
            options = new SamplingOptions(temperature, topK, topP, maxTokens);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, "invalid sampling option: " + e.getMessage(), e);
        }
        CliFiles.requireFile(cl, "--model", model);
        LanguageModel lm = LmFiles.readAnyModel(model);
        PrintWriter out = cl.getOut();
        SplittableRandom random = new SplittableRandom(seed);
        // a model built over byte-level BPE pieces samples pieces: turn them back into text
        Path sidecar = LmTokenizers.sidecar(model);
        boolean bpe = Files.isRegularFile(sidecar) && LmTokenizers.loadSidecar(sidecar, model) instanceof BpeTokenizer;
        for (int i = 0; i < count; i++) {
            List<String> tokens = Sampler.sample(lm, options, random);
            out.println(bpe ? BpeTokenizer.detokenize(tokens).strip() : String.join(" ", tokens));
        }
        out.flush();
        return 0;
    }
}
