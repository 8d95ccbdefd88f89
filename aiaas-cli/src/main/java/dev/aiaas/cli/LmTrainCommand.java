package dev.aiaas.cli;

import dev.aiaas.core.train.Callbacks;
import dev.aiaas.nlp.lm.LstmLanguageModel;
import dev.aiaas.nlp.lm.LstmLmOptions;
import dev.aiaas.nlp.lm.Perplexity;
import dev.aiaas.nlp.text.TextLimits;
import java.io.PrintWriter;
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
 * {@code aiaas lm train}: trains an LSTM language model ({@link LstmLanguageModel}) on a corpus
 * and saves it; {@code lm eval} and {@code lm sample} read the file as they read ARPA files.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains an LSTM language model on a corpus (embedding, LSTM, softmax over the vocabulary; Adam) "
                + "and saves it as an aiaas model file that 'lm eval' and 'lm sample' read.",
                "Prints the loss (cross-entropy per token, in nats) after each epoch and, with --validation, the "
                        + "perplexity on that corpus as 'lm eval' prints it."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas lm train --input train.txt --out lstm.aiaas",
                "  aiaas lm train --input train.txt --validation test.txt --epochs 8 \\",
                "      --batch-size 64 --dropout 0.2 --out lstm.aiaas"})
final class LmTrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "TRAIN",
            description = "The training corpus: UTF-8, one pre-tokenized sentence per line, plain or gzip-compressed.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The model file to write.")
    Path out;

    @Option(names = "--validation", paramLabel = "TEST",
            description = "A corpus to validate on after each epoch (val_loss) and to report the perplexity of at the end.")
    Path validation;

    /**
     * The widest {@code --embedding} and {@code --hidden}: 8192. An LSTM of width H over word vectors
     * of width E has 4H(E + H + 1) weights, and the output layer H times the vocabulary: at 8192 both,
     * about 540 million weights before the output layer, beyond what a CPU trains in useful time.
     */
    static final int MAX_WIDTH = 8192;
    /** The most {@code --epochs}. */
    static final int MAX_EPOCHS = 100_000;
    /** The most {@code --batch-size}: rows per step, each holding seq-len positions of outputs over the vocabulary. */
    static final int MAX_BATCH = 65_536;
    /** The most {@code --seq-len}: positions per row, which the LSTM unrolls. */
    static final int MAX_SEQ_LEN = 8192;

    @Option(names = "--epochs", defaultValue = "4", paramLabel = "N",
            description = "Passes over the data, 1.." + MAX_EPOCHS + " (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--embedding", defaultValue = "64", paramLabel = "E",
            description = "Word vector width, 1.." + MAX_WIDTH + " (default: ${DEFAULT-VALUE}).")
    int embedding;

    @Option(names = "--hidden", defaultValue = "128", paramLabel = "H",
            description = "LSTM state width, 1.." + MAX_WIDTH + " (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--min-count", defaultValue = "2", paramLabel = "C",
            description = "Words seen fewer times become <unk> (default: ${DEFAULT-VALUE}).")
    long minCount;

    @Option(names = "--seq-len", defaultValue = "48", paramLabel = "T",
            description = "Positions per training row, 2.." + MAX_SEQ_LEN + "; longer sentences continue in further rows "
                    + "(default: ${DEFAULT-VALUE}).")
    int sequenceLength;

    @Option(names = "--overlap", defaultValue = "16", paramLabel = "K",
            description = "Context positions a continuation row repeats (default: ${DEFAULT-VALUE}).")
    int overlap;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "B",
            description = "Rows per Adam step, 1.." + MAX_BATCH + " (default: ${DEFAULT-VALUE}).")
    int batchSize;

    /** The former spelling of {@code --batch-size}, kept working. */
    @Option(names = "--batch", hidden = true, paramLabel = "B")
    Integer batchAlias;

    @Option(names = "--lr", defaultValue = "0.002", paramLabel = "RATE", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--clip-norm", defaultValue = "5", paramLabel = "C",
            description = "Largest gradient norm, 0 for no clipping (default: ${DEFAULT-VALUE}).")
    double clipNorm;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the weights and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dropout", defaultValue = "0", paramLabel = "P",
            description = "Dropout rate on the word vectors and the LSTM outputs in training, 0 for none (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Mixin
    LmInputLimits inputLimits;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        Integer typed = cl.getParseResult().hasMatchedOption("--batch-size") ? batchSize : null;
        Integer given = CliFiles.Aliased.of(cl, "--batch-size", typed, "--batch", batchAlias).value();
        int batch = given != null ? given : batchSize;
        range(cl, "--embedding", embedding, 1, MAX_WIDTH, "64 to 128 is usual");
        range(cl, "--hidden", hidden, 1, MAX_WIDTH, "128 to 256 is usual");
        range(cl, "--epochs", epochs, 1, MAX_EPOCHS, "4 to 20 is usual");
        range(cl, batchAlias != null ? "--batch" : "--batch-size", batch, 1, MAX_BATCH, "32 is usual");
        range(cl, "--seq-len", sequenceLength, 2, MAX_SEQ_LEN, "48 covers most sentences");
        TextLimits limits = inputLimits.limits(cl);
        LstmLmOptions options;
        try {
            options = new LstmLmOptions(embedding, hidden, minCount, sequenceLength, overlap, epochs, batch, learningRate,
                    clipNorm, seed, dropout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, "invalid option: " + e.getMessage(), e);
        }
        CliFiles.requireFile(cl, "--input", input);
        if (validation != null) {
            CliFiles.requireFile(cl, "--validation", validation);
        }
        CliFiles.requireParentFolder(cl, "--out", out);
        PrintWriter pw = cl.getOut();
        List<List<String>> sentences = LmFiles.readSentences(input, limits);
        List<List<String>> held = validation == null ? null : LmFiles.readSentences(validation, limits);
        if (held != null && held.isEmpty()) {
            throw new CommandFailedException("no sentences in " + validation + ": nothing to validate on", null);
        }
        long tokens = sentences.stream().mapToLong(List::size).sum();
        pw.printf(Locale.ROOT, "%d sentences, %d tokens; %s%n", sentences.size(), tokens, options);
        pw.flush();
        long start = System.nanoTime();
        LstmLanguageModel lm = LstmLanguageModel.train(sentences, options, held, Callbacks.progress(pw)).model();
        double seconds = (System.nanoTime() - start) / 1e9;
        pw.printf(Locale.ROOT, "trained %s in %.1f s%n", lm, seconds);
        lm.save(out);
        pw.println("saved " + out);
        if (held != null) {
            for (String line : LmEvalCommand.summary(Perplexity.evaluate(lm, held))) {
                pw.println(line);
            }
        }
        pw.flush();
        return 0;
    }

    /** A usage error naming the option unless {@code value} is in {@code min..max}. */
    private static void range(CommandLine cl, String option, int value, int min, int max, String usual) {
        if (value < min || value > max) {
            throw new ParameterException(cl, option + " must be in " + min + ".." + max + ", got " + value + "; " + usual);
        }
    }
}
