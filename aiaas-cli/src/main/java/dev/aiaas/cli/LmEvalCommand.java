package dev.aiaas.cli;

import dev.aiaas.nlp.lm.LanguageModel;
import dev.aiaas.nlp.lm.Perplexity;
import dev.aiaas.nlp.lm.TokenScore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aiaas lm eval}: the perplexity of an ARPA model on a corpus, with KenLM {@code query}'s
 * conventions ({@link Perplexity}) and its summary lines.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scores a corpus with an ARPA model or an LSTM model and prints its perplexity (like KenLM's query):",
                "  Perplexity including OOVs: X",
                "  Perplexity excluding OOVs: Y",
                "  OOVs: N",
                "Each sentence is scored from <s> to </s>; an out-of-vocabulary word gets the probability of <unk>."})
final class LmEvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The ARPA model (plain or gzip-compressed), or an LSTM model written by 'lm train'.")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "TEST",
            description = "The test corpus: UTF-8, one pre-tokenized sentence per line, plain or gzip-compressed.")
    Path input;

    @Option(names = "--per-sentence",
            description = "Before the summary, print one line per sentence: 'Total: LOG10PROB OOV: COUNT' (as query does).")
    boolean perSentence;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        LmFiles.requireFile(cl, "--model", model);
        LmFiles.requireFile(cl, "--input", input);
        LanguageModel lm = LmFiles.readAnyModel(model);
        List<List<String>> sentences = LmFiles.readSentences(input);
        if (sentences.isEmpty()) {
            throw new CommandFailedException("no sentences in " + input + ": nothing to score; expected one sentence per line", null);
        }
        PrintWriter out = cl.getOut();
        if (perSentence) {
            for (List<String> s : sentences) {
                out.println(sentenceLine(lm, s));
            }
        }
        for (String line : summary(Perplexity.evaluate(lm, sentences))) {
            out.println(line);
        }
        out.flush();
        return 0;
    }

    /**
     * query's per-sentence line, {@code Total: -52.7894 OOV: 1}: the log10 probability of the
     * sentence including {@code </s>}, summed in float as query sums it, and its OOV count.
     */
    static String sentenceLine(LanguageModel lm, List<String> sentence) {
        float total = 0f;
        int oovs = 0;
        for (TokenScore t : lm.scoreTokens(sentence)) {
            total += (float) t.log10Prob();
            oovs += t.oov() ? 1 : 0;
        }
        return "Total: " + LmFiles.sixDigits(total) + " OOV: " + oovs;
    }

    /** The three summary lines, perplexities with 4 decimals. */
    static List<String> summary(Perplexity p) {
        return List.of(
                String.format(Locale.ROOT, "Perplexity including OOVs: %.4f", p.including()),
                String.format(Locale.ROOT, "Perplexity excluding OOVs: %.4f", p.excludingOovs()),
                "OOVs: " + p.oovs());
    }
}
