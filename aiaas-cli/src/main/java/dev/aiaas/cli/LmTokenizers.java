package dev.aiaas.cli;

import dev.aiaas.nlp.text.BpeTokenizer;
import dev.aiaas.nlp.text.TextFiles;
import dev.aiaas.nlp.text.TextLimits;
import dev.aiaas.nlp.text.Tokenizer;
import dev.aiaas.nlp.text.TokenizerFiles;
import dev.aiaas.nlp.text.WhitespaceTokenizer;
import dev.aiaas.nlp.text.WordTokenizer;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --tokenizer} options of {@code aiaas lm build} and {@code lm eval}, and the model's
 * tokenizer file: a model built with a tokenizer other than {@code whitespace} gets
 * {@code MODEL.tokenizer} beside it ({@link TokenizerFiles}: the BPE merges, or which rule-based
 * tokenizer), and {@code lm eval} applies it unless told otherwise.
 */
final class LmTokenizers {

    /**
     * The most {@code --bpe-merges}: a million, twenty times GPT-2's 50,000 (its merges table, the
     * model's vocabulary and each BPE step grow with it).
     */
    static final int MAX_BPE_MERGES = 1_000_000;

    /** The names {@code --tokenizer} accepts. */
    static final List<String> NAMES = List.of("whitespace", "word", "bpe");

    private LmTokenizers() {
    }

    /** The tokenizer file that goes with an ARPA model: {@code MODEL.tokenizer}. */
    static Path sidecar(Path arpa) {
        return arpa.resolveSibling(arpa.getFileName() + ".tokenizer");
    }

    /**
     * Checks the combination of tokenizer options; a bad one is a usage error naming the option.
     *
     * @param bpeMerges {@code --bpe-merges}, or null (and always null for {@code lm eval})
     */
    static void check(CommandLine cl, String name, boolean lowercase, Integer bpeMerges, Path bpeModel) {
        if (!NAMES.contains(name)) {
            throw new ParameterException(cl, "--tokenizer: unknown tokenizer '" + name + "'; expected one of "
                    + String.join(", ", NAMES));
        }
        if (lowercase && !name.equals("word")) {
            throw new ParameterException(cl, "--lowercase applies to --tokenizer word only, got --tokenizer " + name
                    + "; lower-case the text beforehand for the others");
        }
        boolean bpe = name.equals("bpe");
        if (!bpe && (bpeMerges != null || bpeModel != null)) {
            throw new ParameterException(cl, (bpeMerges != null ? "--bpe-merges" : "--bpe-model")
                    + " applies to --tokenizer bpe only, got --tokenizer " + name);
        }
        if (bpeMerges != null && bpeModel != null) {
            throw new ParameterException(cl, "--bpe-merges and --bpe-model exclude each other: "
                    + "give --bpe-merges N to train a BPE on --input, or --bpe-model FILE to reuse one");
        }
        if (bpeMerges != null && (bpeMerges < 0 || bpeMerges > MAX_BPE_MERGES)) {
            throw new ParameterException(cl, "--bpe-merges must be in 0.." + MAX_BPE_MERGES + ", got "
                    + bpeMerges + "; GPT-2 uses 50000");
        }
        if (bpeModel != null) {
            CliFiles.requireFile(cl, "--bpe-model", bpeModel);
        }
    }

    /** The rule-based tokenizer of a checked name ({@code whitespace} or {@code word}). */
    static Tokenizer ruleBased(String name, boolean lowercase) {
        return name.equals("word") ? new WordTokenizer(lowercase) : new WhitespaceTokenizer();
    }

    /** Loads {@code --bpe-model FILE} (a merges file, or the tokenizer file of a BPE model). */
    static BpeTokenizer loadBpe(Path file) throws CommandFailedException {
        try {
            return BpeTokenizer.load(file);
        } catch (IOException e) {
            throw new CommandFailedException("--bpe-model: cannot read the BPE merges file " + file + ": "
                    + AiaasCommand.oneLine(e), e);
        }
    }

    /**
     * Loads the tokenizer file of a model.
     *
     * @throws CommandFailedException naming the file and what is wrong with it
     */
    static Tokenizer loadSidecar(Path file, Path model) throws CommandFailedException {
        try {
            return TokenizerFiles.load(file);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read the tokenizer file of " + model + ": "
                    + AiaasCommand.oneLine(e) + "; pass --tokenizer to choose one, or rebuild the model", e);
        }
    }

    /** Reads every line of a corpus as text (for training a BPE), within {@code limits}. */
    static List<String> readLines(Path file, TextLimits limits) throws CommandFailedException {
        try {
            return TextFiles.readLines(file, limits);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read " + file + ": " + LmFiles.withoutFile(e, file), e);
        }
    }

    /** Tokenizes each line. */
    static List<List<String>> tokenize(List<String> lines, Tokenizer tokenizer) {
        List<List<String>> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            out.add(tokenizer.tokenize(line));
        }
        return out;
    }

    /** Whether two tokenizers save to the same file (so split every text the same way). */
    static boolean sameFile(Tokenizer a, Tokenizer b) {
        try {
            StringWriter wa = new StringWriter();
            StringWriter wb = new StringWriter();
            TokenizerFiles.write(a, wa);
            TokenizerFiles.write(b, wb);
            return wa.toString().equals(wb.toString());
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
