package dev.aiaas.cli;

import dev.aiaas.core.train.Callbacks;
import dev.aiaas.nlp.lm.LstmLanguageModel;
import dev.aiaas.nlp.lm.LanguageModel;
import dev.aiaas.nlp.lm.LstmLmOptions;
import dev.aiaas.nlp.lm.Perplexity;
import dev.aiaas.nlp.lm.TransformerLanguageModel;
import dev.aiaas.nlp.lm.TransformerLmOptions;
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
 * {@code aiaas lm train}: trains an LSTM language model ({@link LstmLanguageModel}) or, with
 * {@code --model transformer}, a GPT-style decoder ({@link TransformerLanguageModel}) on a corpus
 * and saves it; {@code lm eval} and {@code lm sample} read the file as they read ARPA files. The
 * options shared by both models (epochs, batch, rate, clipping, dropout, overlap) default to each
 * model's own defaults when not given.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains an LSTM language model on a corpus (embedding, LSTM, softmax over the vocabulary; Adam), "
                + "or with --model transformer a GPT-style decoder (embedding, learned positions, pre-LN causal transformer "
                + "blocks, softmax over the vocabulary; AdamW with warm-up and cosine decay), and saves it as an aiaas model "
                + "file that 'lm eval' and 'lm sample' read.",
                "Prints the loss (cross-entropy per token, in nats) after each epoch and, with --validation, the "
                        + "perplexity on that corpus as 'lm eval' prints it."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas lm train --input train.txt --out lstm.aiaas",
                "  aiaas lm train --input train.txt --validation test.txt --epochs 8 \\",
                "      --batch-size 64 --dropout 0.2 --out lstm.aiaas",
                "  aiaas lm train --model transformer --input train.txt --out gpt.aiaas",
                "  aiaas lm train --model transformer --layers 2 --heads 4 --dim 128 \\",
                "      --context 48 --epochs 4 --lr 0.002 --dropout 0.1 \\",
                "      --no-tie-embeddings --input train.txt --out gpt.aiaas"})
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

    @Option(names = "--model", defaultValue = "lstm", paramLabel = "KIND",
            description = "lstm or transformer (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", defaultValue = "4", paramLabel = "N",
            description = "Passes over the data, 1.." + MAX_EPOCHS + " (default: ${DEFAULT-VALUE}; transformer: 6).")
    int epochs;

    /** The most {@code --layers}. */
    static final int MAX_LAYERS = 256;

    @Option(names = "--layers", defaultValue = "2", paramLabel = "N",
            description = "Transformer: blocks, 1.." + MAX_LAYERS + " (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--heads", defaultValue = "4", paramLabel = "H",
            description = "Transformer: attention heads per block, dividing --dim (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--dim", defaultValue = "128", paramLabel = "D",
            description = "Transformer: model width, 1.." + MAX_WIDTH + " (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--context", defaultValue = "48", paramLabel = "T",
            description = "Transformer: positions per training row and attention window, 2.." + MAX_SEQ_LEN
                    + "; longer sentences continue in further rows, and scoring slides its window the same way "
                    + "(default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--ffn-multiplier", defaultValue = "4", paramLabel = "M",
            description = "Transformer: MLP width as a multiple of --dim, 1..64 (default: ${DEFAULT-VALUE}).")
    int ffnMultiplier;

    @Option(names = "--warmup", defaultValue = "0.05", paramLabel = "F",
            description = "Transformer: fraction of all steps of linear warm-up before the cosine decay (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--weight-decay", defaultValue = "0.1", paramLabel = "L",
            description = "Transformer: AdamW's decoupled weight decay on the kernels (not on embeddings, norms or biases "
                    + "unless tied), 0 for none (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--tie-embeddings", negatable = true, paramLabel = "TIE",
            description = "Transformer: the output layer's kernel is the word-vector table transposed (weight tying); "
                    + "--no-tie-embeddings learns two tables (default: tied).")
    Boolean tieEmbeddings;

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
            description = "Rows per optimiser step, 1.." + MAX_BATCH + " (default: ${DEFAULT-VALUE}).")
    int batchSize;

    /** The former spelling of {@code --batch-size}, kept working. */
    @Option(names = "--batch", hidden = true, paramLabel = "B")
    Integer batchAlias;

    @Option(names = "--lr", defaultValue = "0.002", paramLabel = "RATE",
            description = "Adam's learning rate; the transformer's peak rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--clip-norm", defaultValue = "5", paramLabel = "C",
            description = "Largest gradient norm, 0 for no clipping (default: ${DEFAULT-VALUE}; transformer: 1).")
    double clipNorm;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the weights and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dropout", defaultValue = "0", paramLabel = "P",
            description = "Dropout rate in training, 0 for none: on the word vectors and the LSTM outputs; for the transformer "
                    + "also after the attention and the MLP (default: ${DEFAULT-VALUE}; transformer: 0.1).")
    double dropout;

    @Mixin
    LmInputLimits inputLimits;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        Integer typed = cl.getParseResult().hasMatchedOption("--batch-size") ? batchSize : null;
        Integer given = CliFiles.Aliased.of(cl, "--batch-size", typed, "--batch", batchAlias).value();
        int batch = given != null ? given : batchSize;
        boolean transformer = switch (model) {
            case "lstm" -> false;
            case "transformer" -> true;
            default -> throw new ParameterException(cl, "--model must be lstm or transformer, got '" + model + "'");
        };
        range(cl, "--embedding", embedding, 1, MAX_WIDTH, "64 to 128 is usual");
        range(cl, "--hidden", hidden, 1, MAX_WIDTH, "128 to 256 is usual");
        range(cl, "--epochs", epochs, 1, MAX_EPOCHS, "4 to 20 is usual");
        range(cl, batchAlias != null ? "--batch" : "--batch-size", batch, 1, MAX_BATCH, "32 is usual");
        range(cl, "--seq-len", sequenceLength, 2, MAX_SEQ_LEN, "48 covers most sentences");
        TextLimits limits = inputLimits.limits(cl);
        Object options;
        try {
            if (transformer) {
                range(cl, "--layers", layers, 1, MAX_LAYERS, "2 to 4 for a small corpus");
                range(cl, "--dim", dim, 1, MAX_WIDTH, "128 to 256 is usual");
                range(cl, "--context", context, 2, MAX_SEQ_LEN, "48 to 128 is usual");
                range(cl, "--ffn-multiplier", ffnMultiplier, 1, 64, "4 is usual");
                TransformerLmOptions d = TransformerLmOptions.defaults();
                var parse = cl.getParseResult();
                options = new TransformerLmOptions(layers, heads, dim, context, ffnMultiplier, minCount,
                        parse.hasMatchedOption("--overlap") ? overlap : Math.min(d.contextOverlap(), context / 3),
                        parse.hasMatchedOption("--epochs") ? epochs : d.epochs(), batch,
                        parse.hasMatchedOption("--lr") ? learningRate : d.learningRate(), warmup, weightDecay,
                        parse.hasMatchedOption("--clip-norm") ? clipNorm : d.clipNorm(),
                        parse.hasMatchedOption("--dropout") ? dropout : d.dropout(), seed,
                        tieEmbeddings != null ? tieEmbeddings : d.tieEmbeddings());
            } else {
                if (tieEmbeddings != null) {
                    throw new ParameterException(cl, "--tie-embeddings and --no-tie-embeddings are for --model transformer;"
                            + " the LSTM's output layer (H wide) cannot share its table (E wide)");
                }
                options = new LstmLmOptions(embedding, hidden, minCount, sequenceLength, overlap, epochs, batch, learningRate,
                        clipNorm, seed, dropout);
            }
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
        LanguageModel lm;
        if (options instanceof TransformerLmOptions t) {
            TransformerLanguageModel m = TransformerLanguageModel.train(sentences, t, held, Callbacks.progress(pw)).model();
            pw.printf(Locale.ROOT, "trained %s in %.1f s%n", m, (System.nanoTime() - start) / 1e9);
            m.save(out);
            lm = m;
        } else {
            LstmLanguageModel m = LstmLanguageModel.train(sentences, (LstmLmOptions) options, held, Callbacks.progress(pw)).model();
            pw.printf(Locale.ROOT, "trained %s in %.1f s%n", m, (System.nanoTime() - start) / 1e9);
            m.save(out);
            lm = m;
        }
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
