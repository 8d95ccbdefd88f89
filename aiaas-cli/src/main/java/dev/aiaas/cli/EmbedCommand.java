package dev.aiaas.cli;

import dev.aiaas.core.io.InputLimitException;
import dev.aiaas.core.io.Inputs;
import dev.aiaas.core.io.LineReader;
import dev.aiaas.onnx.Embedder;
import dev.aiaas.onnx.EmbedderOptions;
import dev.aiaas.onnx.OnnxImportException;
import dev.aiaas.onnx.Pooling;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code aiaas embed}: sentence embeddings from an imported ONNX BERT-family encoder (all-MiniLM-L6-v2). */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sentence embeddings from a BERT-family sentence encoder in ONNX (such as all-MiniLM-L6-v2), imported into "
                + "aiaas layers (no ONNX Runtime): each sentence tokenized with the model's tokenizer.json, encoded, pooled "
                + "(mean over its tokens by default) and L2-normalised.",
                "Writes one line per sentence, in order: the D values separated by single spaces; with --similarity a CSV of "
                        + "the cosine similarity of every pair."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas embed --model all-minilm-l6-v2.onnx --tokenizer tokenizer.json \\",
                "      \"A cat sat.\" \"A dog ran.\"",
                "  aiaas embed --model model.onnx --input sentences.txt --out vectors.txt",
                "  aiaas embed --model model.onnx --pooling cls --no-normalize \"Hi there\"",
                "  aiaas embed --model model.onnx --tokenizer tokenizer.json --similarity \\",
                "      \"I like tea\" \"Tea is nice\" \"Stocks fell\""})
final class EmbedCommand implements Callable<Integer> {

    /** The longest input line read, in characters. */
    static final int MAX_LINE_CHARS = 1 << 20;
    /** The most sentences one run embeds. */
    static final int MAX_SENTENCES = 1_000_000;

    @ParentCommand
    AiaasCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The encoder as an ONNX file (fp32).")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "Its Hugging Face tokenizer.json (default: "
            + "STEM-tokenizer.json, STEM.tokenizer.json or tokenizer.json beside the model).")
    Path tokenizer;

    @Option(names = "--input", paramLabel = "FILE", description = "Sentences, one per line (UTF-8, plain or gzipped), "
            + "instead of or after the TEXT arguments.")
    Path input;

    @Option(names = {"--out", "--output"}, paramLabel = "FILE", description = "The file to write (default: standard output).")
    Path out;

    @Option(names = "--pooling", defaultValue = "mean", paramLabel = "mean|cls", description = "How the token states "
            + "become one vector: their mean over the sentence's tokens, or the first ([CLS]) token's state "
            + "(default: ${DEFAULT-VALUE}).")
    String pooling;

    @Option(names = "--no-normalize", description = "Keep the pooled vectors as they are instead of scaling them to unit length.")
    boolean noNormalize;

    @Option(names = "--similarity", description = "Print the cosine similarity of every pair of sentences instead of the vectors.")
    boolean similarity;

    @Option(names = "--max-tokens", defaultValue = "256", paramLabel = "N", description = "Tokens kept per sentence, special "
            + "tokens included (sentence-transformers' max_seq_length for all-MiniLM-L6-v2; default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "B", description = "Sentences per forward pass, "
            + "1 to 4,096 (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Sentences to embed.")
    List<String> texts = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        CliFiles.requireFile(cl, "--model", model);
        if (tokenizer == null) {
            tokenizer = Embedder.tokenizerBeside(model).orElseThrow(() -> new ParameterException(cl, "no tokenizer for " + model
                    + ": give --tokenizer FILE (none of STEM-tokenizer.json, STEM.tokenizer.json, tokenizer.json lies beside it)"));
        }
        CliFiles.requireFile(cl, "--tokenizer", tokenizer);
        if (input != null) {
            CliFiles.requireFile(cl, "--input", input);
        }
        if (out != null) {
            CliFiles.requireParentFolder(cl, "--out", out);
        }
        CliNumbers.range(cl, "--batch-size", batchSize, 1, EmbedderOptions.MAX_BATCH, "sentences per forward pass");
        CliNumbers.range(cl, "--max-tokens", maxTokens, 2, Integer.MAX_VALUE, "tokens per sentence");
        Pooling pool;
        try {
            pool = Pooling.parse(pooling);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, "--pooling: " + e.getMessage());
        }
        List<String> sentences = new ArrayList<>(texts);
        if (input != null) {
            readLines(sentences);
        }
        if (sentences.isEmpty()) {
            throw new ParameterException(cl, "no sentences: give them as arguments or with --input FILE");
        }
        parent.selectBackend(cl);
        EmbedderOptions options = new EmbedderOptions(pool, !noNormalize, maxTokens, batchSize);
        float[][] vectors;
        try (Embedder embedder = load(cl, options)) {
            vectors = embedder.embed(sentences);
        }
        if (out == null) {
            PrintWriter w = cl.getOut();
            write(w, vectors);
            w.flush();
        } else {
            try {
                CliFiles.writeAtomically(out, w -> write(w, vectors));
            } catch (IOException e) {
                throw new CommandFailedException("cannot write " + out + ": " + e.getMessage(), e);
            }
            cl.getErr().printf(Locale.ROOT, "wrote %s: %d sentences%s%n", out, vectors.length,
                    similarity ? ", cosine similarities" : " x " + vectors[0].length + " values");
        }
        return 0;
    }

    private Embedder load(CommandLine cl, EmbedderOptions options) throws CommandFailedException {
        try {
            return Embedder.load(model, tokenizer, options);
        } catch (OnnxImportException e) {
            throw new CommandFailedException("cannot import " + model + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read " + tokenizer + " or " + model + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("maxTokens")) {
                throw new ParameterException(cl, "--max-tokens: " + e.getMessage());
            }
            throw new CommandFailedException(e.getMessage(), e);
        }
    }

    private void readLines(List<String> sentences) throws CommandFailedException {
        try (LineReader r = Inputs.lines(input, Inputs.UNLIMITED, MAX_LINE_CHARS, "split the file into shorter lines")) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (sentences.size() == MAX_SENTENCES) {
                    throw new CommandFailedException(input + " has more than " + MAX_SENTENCES + " sentences; split it into "
                            + "smaller files", null);
                }
                sentences.add(line);
            }
        } catch (InputLimitException e) {
            throw new CommandFailedException(e.getMessage(), e);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read " + input + ": " + e.getMessage(), e);
        }
    }

    /** The vectors as lines of space-separated values, or the cosine matrix as CSV rows {@code sentence,s1,...}. */
    private void write(Writer w, float[][] v) throws IOException {
        int n = v.length;
        StringBuilder b = new StringBuilder();
        if (!similarity) {
            for (float[] row : v) {
                b.setLength(0);
                for (int j = 0; j < row.length; j++) {
                    b.append(j == 0 ? "" : " ").append(row[j]);
                }
                w.write(b.append('\n').toString());
            }
            return;
        }
        b.append("sentence");
        for (int j = 0; j < n; j++) {
            b.append(",s").append(j + 1);
        }
        w.write(b.append('\n').toString());
        for (int i = 0; i < n; i++) {
            b.setLength(0);
            b.append(i + 1);
            for (int j = 0; j < n; j++) {
                double cos = Embedder.dot(v[i], v[j]) / Math.sqrt(Math.max(Embedder.dot(v[i], v[i]) * Embedder.dot(v[j], v[j]), 1e-300));
                b.append(',').append(String.format(Locale.ROOT, "%.4f", cos));
            }
            w.write(b.append('\n').toString());
        }
    }
}
