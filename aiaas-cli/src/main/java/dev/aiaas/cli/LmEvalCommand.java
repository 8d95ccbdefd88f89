package dev.aiaas.cli;

import dev.aiaas.nlp.lm.LanguageModel;
import dev.aiaas.nlp.lm.Perplexity;
import dev.aiaas.nlp.lm.QueryFormat;
import dev.aiaas.nlp.text.TextLimits;
import dev.aiaas.nlp.text.Tokenizer;
import dev.aiaas.nlp.text.TokenizerFiles;
import dev.aiaas.nlp.text.WhitespaceTokenizer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code aiaas lm eval}: the perplexity of an ARPA, LSTM or transformer model on a corpus, with KenLM
 * {@code query}'s conventions ({@link Perplexity}) and its summary lines; with
 * {@code --per-sentence} and {@code --per-word}, query's per-sentence and per-token lines in its
 * number format ({@link QueryFormat}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scores a corpus with an ARPA model or an LSTM or transformer model and prints its perplexity (like KenLM's query):",
                "  Perplexity including OOVs: X",
                "  Perplexity excluding OOVs: Y",
                "  OOVs: N",
                "Each sentence is scored from <s> to </s>; an out-of-vocabulary word gets the probability of <unk>.",
                "Lines are split as the model was built: with FILE.tokenizer when 'lm build' wrote one beside FILE "
                        + "(the line 'Tokenizer: ...' then comes first), else on whitespace; --tokenizer overrides."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas lm eval --model model.arpa.gz --input test.txt",
                "  aiaas lm eval --model model.arpa.gz --input test.txt --per-sentence",
                "  aiaas lm eval --model lstm.aiaas --input test.txt"})
final class LmEvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The ARPA model (plain or gzip-compressed), or an LSTM or transformer model written by 'lm train'.")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "TEST",
            description = "The test corpus: UTF-8, one sentence per line, plain or gzip-compressed.")
    Path input;

    @Option(names = "--tokenizer", paramLabel = "NAME",
            description = "whitespace, word or bpe (with --bpe-model); default: the model's FILE.tokenizer if there is "
                    + "one, else whitespace.")
    String tokenizer;

    @Option(names = "--lowercase", description = "With --tokenizer word: lower-case the tokens.")
    boolean lowercase;

    @Option(names = "--bpe-model", paramLabel = "BPE",
            description = "With --tokenizer bpe: the BPE merges (a merges file, or a BPE model's .tokenizer file).")
    Path bpeModel;

    @Option(names = "--per-sentence",
            description = "Before the summary, print one line per sentence: 'Total: LOG10PROB OOV: COUNT', as KenLM's "
                    + "query prints it (the log10 probability summed in float, printed with the fewest digits that "
                    + "read back as that float).")
    boolean perSentence;

    @Option(names = "--per-word",
            description = "As --per-sentence, with each token first: 'WORD=ID NGRAM_LENGTH LOG10PROB', tab-separated, "
                    + "</s> included, then the sentence's Total on the same line (query's default output).")
    boolean perWord;

    @Mixin
    LmInputLimits inputLimits;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        TextLimits limits = inputLimits.limits(cl);
        if (tokenizer != null) {
            LmTokenizers.check(cl, tokenizer, lowercase, null, bpeModel);
            if (tokenizer.equals("bpe") && bpeModel == null) {
                throw new ParameterException(cl, "--tokenizer bpe needs --bpe-model FILE (the merges the model was "
                        + "built with); or leave out --tokenizer to use " + LmTokenizers.sidecar(model));
            }
        } else if (lowercase || bpeModel != null) {
            throw new ParameterException(cl, (lowercase ? "--lowercase" : "--bpe-model")
                    + " needs --tokenizer " + (lowercase ? "word" : "bpe"));
        }
        CliFiles.requireFile(cl, "--model", model);
        CliFiles.requireFile(cl, "--input", input);
        PrintWriter out = cl.getOut();
        Tokenizer tok = tokenizer(cl, out);
        LanguageModel lm = LmFiles.readAnyModel(model);
        List<List<String>> sentences = LmFiles.readSentences(input, tok, limits);
        if (sentences.isEmpty()) {
            throw new CommandFailedException("no sentences in " + input + ": nothing to score; expected one sentence per line", null);
        }
        if (perSentence || perWord) {
            for (List<String> s : sentences) {
                out.println(QueryFormat.sentence(lm.scoreTokens(s), perWord));
            }
        }
        for (String line : summary(Perplexity.evaluate(lm, sentences))) {
            out.println(line);
        }
        out.flush();
        return 0;
    }

    /**
     * The tokenizer: from the options, else from the model's tokenizer file, else whitespace. Says
     * on the first output line which one is used when it is not whitespace, and warns on standard
     * error when the options override a tokenizer file that differs.
     */
    private Tokenizer tokenizer(CommandLine cl, PrintWriter out) throws CommandFailedException {
        Path sidecar = LmTokenizers.sidecar(model);
        boolean hasSidecar = Files.isRegularFile(sidecar);
        Tokenizer tok;
        String from;
        if (tokenizer != null) {
            tok = tokenizer.equals("bpe") ? LmTokenizers.loadBpe(bpeModel) : LmTokenizers.ruleBased(tokenizer, lowercase);
            from = "--tokenizer";
            if (hasSidecar) {
                String saved;
                boolean same;
                try {
                    Tokenizer built = LmTokenizers.loadSidecar(sidecar, model);
                    saved = TokenizerFiles.describe(built);
                    same = LmTokenizers.sameFile(built, tok);
                } catch (CommandFailedException e) {
                    saved = "unreadable";
                    same = false;
                }
                if (!same) {
                    cl.getErr().println("aiaas: warning: --tokenizer " + TokenizerFiles.describe(tok) + " overrides "
                            + sidecar + " (" + saved + "), the tokenizer the model was built with");
                    cl.getErr().flush();
                }
            }
        } else if (hasSidecar) {
            tok = LmTokenizers.loadSidecar(sidecar, model);
            from = sidecar.toString();
        } else {
            return new WhitespaceTokenizer();
        }
        if (!(tok instanceof WhitespaceTokenizer)) {
            out.println("Tokenizer: " + TokenizerFiles.describe(tok) + ", from " + from);
        }
        return tok;
    }

    /** The three summary lines, perplexities with 4 decimals. */
    static List<String> summary(Perplexity p) {
        return List.of(
                String.format(Locale.ROOT, "Perplexity including OOVs: %.4f", p.including()),
                String.format(Locale.ROOT, "Perplexity excluding OOVs: %.4f", p.excludingOovs()),
                "OOVs: " + p.oovs());
    }
}
