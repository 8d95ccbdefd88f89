package dev.aiaas.cli;

import dev.aiaas.core.io.InputLimitException;
import dev.aiaas.core.io.Inputs;
import dev.aiaas.core.io.LineReader;
import dev.aiaas.nlp.text.Encoding;
import dev.aiaas.nlp.text.HfTokenizer;
import dev.aiaas.nlp.text.HfTokenizers;
import dev.aiaas.nlp.text.Truncation;
import dev.aiaas.onnx.OnnxImport;
import dev.aiaas.onnx.TransformerEncoder;
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
                + "aiaas layers (no ONNX Runtime): each sentence tokenized with the model's tokenizer.json, encoded, mean-pooled "
                + "over its tokens and L2-normalised.",
                "Writes one CSV row per sentence (its number, then the D values), or with --similarity the cosine similarity "
                        + "of every pair."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas embed --model all-minilm-l6-v2.onnx --tokenizer tokenizer.json \\",
                "      \"A cat sat.\" \"A dog ran.\"",
                "  aiaas embed --model model.onnx --tokenizer tokenizer.json \\",
                "      --input sentences.txt --out embeddings.csv",
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

    @Option(names = "--tokenizer", required = true, paramLabel = "FILE", description = "Its Hugging Face tokenizer.json.")
    Path tokenizer;

    @Option(names = "--input", paramLabel = "FILE", description = "Sentences, one per line (UTF-8, plain or gzipped), "
            + "instead of or after the TEXT arguments.")
    Path input;

    @Option(names = "--out", paramLabel = "FILE", description = "The CSV file to write (default: standard output).")
    Path out;

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
        CliFiles.requireFile(cl, "--tokenizer", tokenizer);
        if (input != null) {
            CliFiles.requireFile(cl, "--input", input);
        }
        if (out != null) {
            CliFiles.requireParentFolder(cl, "--out", out);
        }
        CliNumbers.range(cl, "--batch-size", batchSize, 1, 4096, "sentences per forward pass");
        List<String> sentences = new ArrayList<>(texts);
        if (input != null) {
            readLines(sentences);
        }
        if (sentences.isEmpty()) {
            throw new ParameterException(cl, "no sentences: give them as arguments or with --input FILE");
        }
        parent.selectBackend(cl);
        HfTokenizer tok;
        try {
            tok = HfTokenizers.load(tokenizer);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read " + tokenizer + ": " + e.getMessage(), e);
        }
        float[][] vectors;
        try (TransformerEncoder encoder = load()) {
            int positions = encoder.config().maxPositions();
            CliNumbers.range(cl, "--max-tokens", maxTokens, 2, positions, "tokens per sentence (the model has " + positions
                    + " positions)");
            tok = tok.withTruncation(Truncation.of(maxTokens)).withPadding(null);
            vectors = new float[sentences.size()][];
            for (int from = 0; from < sentences.size(); from += batchSize) {
                int n = Math.min(batchSize, sentences.size() - from);
                int[][] ids = new int[n][];
                int[][] mask = new int[n][];
                int[][] types = new int[n][];
                for (int i = 0; i < n; i++) {
                    Encoding e = tok.encode(sentences.get(from + i));
                    ids[i] = e.ids();
                    mask[i] = e.attentionMask();
                    types[i] = e.typeIds();
                }
                float[][] v;
                try {
                    v = encoder.embed(ids, mask, types);
                } catch (IllegalArgumentException e) {
                    throw new CommandFailedException("the tokenizer " + tokenizer + " does not fit the model " + model + ": "
                            + e.getMessage() + ". Give the model's own tokenizer.json", e);
                }
                System.arraycopy(v, 0, vectors, from, n);
            }
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

    private TransformerEncoder load() throws CommandFailedException {
        try {
            return OnnxImport.encoder(model);
        } catch (IOException e) {
            throw new CommandFailedException("cannot import " + model + ": " + e.getMessage(), e);
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

    /** The vectors as {@code sentence,e0,...} rows, or the cosine matrix as {@code sentence,s1,...}. */
    private void write(Writer w, float[][] v) throws IOException {
        int n = v.length;
        StringBuilder b = new StringBuilder("sentence");
        int columns = similarity ? n : v[0].length;
        for (int j = 0; j < columns; j++) {
            b.append(similarity ? ",s" + (j + 1) : ",e" + j);
        }
        w.write(b.append('\n').toString());
        for (int i = 0; i < n; i++) {
            b.setLength(0);
            b.append(i + 1);
            for (int j = 0; j < columns; j++) {
                b.append(',');
                if (similarity) {
                    double dot = 0;
                    for (int c = 0; c < v[i].length; c++) {
                        dot += (double) v[i][c] * v[j][c];
                    }
                    b.append(String.format(Locale.ROOT, "%.4f", dot)); // unit vectors: the dot product is the cosine
                } else {
                    b.append(v[i][j]);
                }
            }
            w.write(b.append('\n').toString());
        }
    }
}
