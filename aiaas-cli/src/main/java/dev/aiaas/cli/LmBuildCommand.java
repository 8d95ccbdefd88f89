package dev.aiaas.cli;

import dev.aiaas.nlp.lm.BadDiscountException;
import dev.aiaas.nlp.lm.Discounts;
import dev.aiaas.nlp.lm.NgramModel;
import dev.aiaas.nlp.lm.NgramOptions;
import dev.aiaas.nlp.lm.Smoothing;
import dev.aiaas.nlp.text.BpeTokenizer;
import dev.aiaas.nlp.text.TextLimits;
import dev.aiaas.nlp.text.Tokenizer;
import dev.aiaas.nlp.text.TokenizerFiles;
import dev.aiaas.nlp.text.WhitespaceTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * {@code aiaas lm build}: estimates an n-gram model from a corpus and writes it as an ARPA file,
 * as KenLM's {@code lmplz -o N < TRAIN > OUT} does. Prints progress and a summary (n-gram counts
 * per order, discounts, time, memory) on standard output.
 */
@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Builds an n-gram language model from a corpus and writes it as an ARPA file (like KenLM's lmplz).",
                "The ARPA file is written atomically: a failed build leaves an existing file untouched.",
                "With a tokenizer other than whitespace, OUT.tokenizer is written beside OUT (the BPE merges, or "
                        + "which tokenizer) and 'lm eval' applies it."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas lm build --order 3 --input train.txt --out model.arpa.gz",
                "  aiaas lm build --order 5 --smoothing wb --discount-fallback \\",
                "      --input small.txt --out small.arpa",
                "  aiaas lm build --order 4 --tokenizer bpe --bpe-merges 2000 \\",
                "      --input raw.txt --out bpe.arpa"})
final class LmBuildCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--order", required = true, paramLabel = "N",
            description = "The n-gram order, 1.." + NgramOptions.MAX_ORDER + " (3 = trigram, 5 is KenLM's usual choice).")
    int order;

    @Option(names = "--smoothing", defaultValue = "mkn", paramLabel = "METHOD",
            description = "mkn (modified Kneser-Ney, lmplz's), kn, wb (Witten-Bell), abs (absolute discounting), "
                    + "addk (add-one), mle or stupid (stupid backoff, not normalised) (default: ${DEFAULT-VALUE}).")
    String smoothing;

    @Option(names = "--discount-fallback",
            description = "Where discounts cannot be estimated (small or artificial data), use D1=0.5 D2=1 D3+=1.5 "
                    + "(lmplz --discount_fallback) instead of failing.")
    boolean discountFallback;

    @Option(names = "--input", required = true, paramLabel = "TRAIN",
            description = "The training corpus: UTF-8, one sentence per line, plain or gzip-compressed.")
    Path input;

    @Option(names = "--tokenizer", defaultValue = "whitespace", paramLabel = "NAME",
            description = "How a line is split into tokens: whitespace (pre-tokenized text, as lmplz), word (raw text: "
                    + "words, numbers and each punctuation mark) or bpe (byte-level BPE pieces, with --bpe-merges or "
                    + "--bpe-model) (default: ${DEFAULT-VALUE}).")
    String tokenizer;

    @Option(names = "--lowercase", description = "With --tokenizer word: lower-case the tokens.")
    boolean lowercase;

    @Option(names = "--bpe-merges", paramLabel = "N",
            description = "With --tokenizer bpe: learn N merges from the training corpus, 0.." + LmTokenizers.MAX_BPE_MERGES
                    + " (training stops early when no pair occurs twice).")
    Integer bpeMerges;

    @Option(names = "--bpe-model", paramLabel = "FILE",
            description = "With --tokenizer bpe: use these BPE merges (a merges file, or the OUT.tokenizer of another "
                    + "BPE model).")
    Path bpeModel;

    @Option(names = "--out", paramLabel = "OUT",
            description = "Required: the ARPA file to write; gzip-compressed when the name ends in .gz.")
    Path outFile;

    /** The former spelling of {@code --out}, kept working. */
    @Option(names = "--arpa", hidden = true, paramLabel = "OUT")
    Path arpaAlias;

    @Mixin
    LmInputLimits inputLimits;

    /** {@code --out} or {@code --arpa}: set in {@link #call()}. */
    private Path arpa;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        CliFiles.Aliased<Path> target = CliFiles.Aliased.of(cl, "--out", outFile, "--arpa", arpaAlias);
        arpa = target.required(cl, "OUT");
        NgramOptions options = options(cl);
        TextLimits limits = inputLimits.limits(cl);
        LmTokenizers.check(cl, tokenizer, lowercase, bpeMerges, bpeModel);
        if (tokenizer.equals("bpe") && bpeMerges == null && bpeModel == null) {
            throw new ParameterException(cl, "--tokenizer bpe needs --bpe-merges N (learn N merges from --input) or "
                    + "--bpe-model FILE (reuse merges)");
        }
        CliFiles.requireFile(cl, "--input", input);
        CliFiles.requireParentFolder(cl, target.name(), arpa);
        PrintWriter out = cl.getOut();
        long start = System.nanoTime();

        out.printf(Locale.ROOT, "=== 1/3 Reading %s ===%n", input);
        out.flush();
        Tokenizer tok;
        List<List<String>> sentences;
        if (tokenizer.equals("bpe")) {
            List<String> lines = LmTokenizers.readLines(input, limits);
            if (bpeModel != null) {
                tok = LmTokenizers.loadBpe(bpeModel);
                out.printf(Locale.ROOT, "tokenizer: %s from %s%n", TokenizerFiles.describe(tok), bpeModel);
            } else {
                long t0 = System.nanoTime();
                tok = trainBpe(lines, bpeMerges);
                int learnt = ((BpeTokenizer) tok).vocabSize() - 256;
                out.printf(Locale.ROOT, "tokenizer: %s learnt from %s in %.1f s%s%n", TokenizerFiles.describe(tok), input,
                        seconds(t0), learnt < bpeMerges
                                ? " (" + bpeMerges + " asked; training stopped when no pair occurred twice)" : "");
            }
            sentences = LmTokenizers.tokenize(lines, tok);
        } else {
            tok = LmTokenizers.ruleBased(tokenizer, lowercase);
            if (!tokenizer.equals("whitespace")) {
                out.printf(Locale.ROOT, "tokenizer: %s%n", TokenizerFiles.describe(tok));
            }
            sentences = LmFiles.readSentences(input, tok, limits);
        }
        long tokens = sentences.stream().mapToLong(List::size).sum();
        out.printf(Locale.ROOT, "%d sentences, %d tokens in %.1f s%n", sentences.size(), tokens, seconds(start));

        long t1 = System.nanoTime();
        out.printf(Locale.ROOT, "=== 2/3 Estimating %s, order %d ===%n", describe(options.smoothing()), options.order());
        out.flush();
        NgramModel model = build(sentences, options);
        sentences = null; // the corpus is no longer needed while writing
        for (String line : statistics(model, options.smoothing())) {
            out.println(line);
        }
        out.printf(Locale.ROOT, "estimated in %.1f s%n", seconds(t1));

        long t2 = System.nanoTime();
        out.printf(Locale.ROOT, "=== 3/3 Writing ARPA model to %s ===%n", arpa);
        out.flush();
        try {
            CliFiles.writeAtomically(arpa, model::writeArpa);
        } catch (IOException e) {
            throw new CommandFailedException("cannot write " + arpa + ": " + AiaasCommand.oneLine(e)
                    + "; " + arpa + " was left as it was", e);
        }
        writeTokenizer(out, tok);
        out.printf(Locale.ROOT, "written in %.1f s%n", seconds(t2));
        Runtime rt = Runtime.getRuntime();
        out.printf(Locale.ROOT, "done in %.1f s; model tables %s; JVM heap %s used of %s%n", seconds(start),
                LmFiles.mib(model.memoryBytes()), LmFiles.mib(rt.totalMemory() - rt.freeMemory()), LmFiles.mib(rt.maxMemory()));
        out.flush();
        return 0;
    }

    /**
     * Writes OUT.tokenizer for a tokenizer other than whitespace; for whitespace, removes an
     * OUT.tokenizer left by an earlier build, which 'lm eval' would otherwise apply to this model.
     */
    private void writeTokenizer(PrintWriter out, Tokenizer tok) throws CommandFailedException {
        Path file = LmTokenizers.sidecar(arpa);
        try {
            if (tok instanceof WhitespaceTokenizer) {
                if (Files.deleteIfExists(file)) {
                    out.printf(Locale.ROOT, "removed %s, left by an earlier build with another tokenizer%n", file);
                }
                return;
            }
            CliFiles.writeAtomically(file, w -> TokenizerFiles.write(tok, w));
            out.printf(Locale.ROOT, "tokenizer written to %s%n", file);
        } catch (IOException e) {
            throw new CommandFailedException("cannot write " + file + ": " + AiaasCommand.oneLine(e)
                    + "; the model " + arpa + " was written, but 'lm eval' needs --tokenizer " + tokenizer
                    + " to read it", e);
        }
    }

    /** Learns {@code merges} BPE merges from the corpus lines. */
    private BpeTokenizer trainBpe(List<String> lines, int merges) throws CommandFailedException {
        try {
            return BpeTokenizer.train(lines, 256 + merges);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException("cannot learn BPE merges from " + input + ": " + AiaasCommand.oneLine(e), e);
        }
    }

    /** The options from the command line; a bad value is a usage error naming the option. */
    private NgramOptions options(CommandLine cl) {
        Smoothing method;
        try {
            method = Smoothing.parse(smoothing);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, "--smoothing: " + e.getMessage(), e);
        }
        NgramOptions o;
        try {
            o = NgramOptions.of(order, method);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, "--order: " + e.getMessage(), e);
        }
        return discountFallback ? o.withDiscountFallback(Discounts.KENLM_FALLBACK) : o;
    }

    /** Builds the model; discounts that cannot be estimated fail with lmplz's advice in this tool's terms. */
    static NgramModel build(List<List<String>> sentences, NgramOptions options) throws CommandFailedException {
        try {
            return NgramModel.build(sentences, options);
        } catch (BadDiscountException e) {
            throw new CommandFailedException(e.reason() + "; or rerun with --discount-fallback (D1=0.5 D2=1 D3+=1.5, "
                    + "as lmplz --discount_fallback)", e);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException("cannot build a model: " + AiaasCommand.oneLine(e), e);
        }
    }

    /**
     * One line per order as lmplz's log prints them: order, n-gram count and, for discounting
     * methods, the discounts ({@code 1 16536 D1=0.571779 D2=1.11979 D3+=1.64996}).
     */
    static List<String> statistics(NgramModel model, Smoothing smoothing) {
        List<String> lines = new ArrayList<>();
        lines.add("Statistics (order, n-grams" + (model.discounts().isEmpty() ? "" : ", discounts") + "):");
        for (int n = 1; n <= model.order(); n++) {
            StringBuilder b = new StringBuilder().append(n).append(' ').append(model.ngramCount(n));
            if (n <= model.discounts().size()) {
                Discounts d = model.discounts().get(n - 1);
                b.append(" D1=").append(LmFiles.sixDigits(d.d1()));
                if (smoothing == Smoothing.MKN) { // the single-discount methods use D1 only
                    b.append(" D2=").append(LmFiles.sixDigits(d.d2())).append(" D3+=").append(LmFiles.sixDigits(d.d3plus()));
                }
            }
            lines.add(b.toString());
        }
        return lines;
    }

    private static String describe(Smoothing s) {
        return switch (s) {
            case MKN -> "modified Kneser-Ney (mkn)";
            case KN -> "interpolated Kneser-Ney (kn)";
            case WITTEN_BELL -> "Witten-Bell (wb)";
            case ABSOLUTE -> "absolute discounting (abs)";
            case ADD_K -> "add-k (addk)";
            case MLE -> "maximum likelihood (mle)";
            case STUPID_BACKOFF -> "stupid backoff (stupid)";
        };
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
