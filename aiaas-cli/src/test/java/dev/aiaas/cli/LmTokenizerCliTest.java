package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.cli.CliTest.Result;
import dev.aiaas.nlp.lm.NgramModel;
import dev.aiaas.nlp.lm.Perplexity;
import dev.aiaas.nlp.text.BpeTokenizer;
import dev.aiaas.nlp.text.Tokenizer;
import dev.aiaas.nlp.text.WhitespaceTokenizer;
import dev.aiaas.nlp.text.WordTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aiaas lm build|eval --tokenizer whitespace|word|bpe}: the tokenizer file, its use in eval, every error. */
class LmTokenizerCliTest {

    /** Raw text: capitals, punctuation attached to words. */
    private static final String RAW = """
            Call me Ishmael. Some years ago, never mind how long precisely, I went to sea.
            The whale! The white whale, said Ahab, the whale that took my leg.
            I thought I would sail about a little and see the watery part of the world.
            Call me a sailor; the sea is the world, and the whale is the sea.
            """;
    private static final String RAW_TEST = "The sea, said Ishmael, is a whale.\nCall me Queequeg!\n";

    private static Result run(String... args) {
        return CliTest.run(args);
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static List<String> lines(String out) {
        return out.lines().toList();
    }

    private static List<String> summary(Path arpa, Path test, Tokenizer tok) throws IOException {
        Perplexity p = Perplexity.evaluate(NgramModel.readArpa(arpa), test, tok);
        return List.of(String.format(Locale.ROOT, "Perplexity including OOVs: %.4f", p.including()),
                String.format(Locale.ROOT, "Perplexity excluding OOVs: %.4f", p.excludingOovs()), "OOVs: " + p.oovs());
    }

    private static Result build(Path train, Path arpa, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("lm", "build", "--order", "3", "--discount-fallback",
                "--input", train.toString(), "--out", arpa.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    private static void assertUsageError(Result r, String... contains) {
        assertEquals(2, r.code(), r.err());
        String first = lines(r.err()).get(0);
        assertTrue(first.startsWith("aiaas: "), r.err());
        for (String c : contains) {
            assertTrue(first.contains(c), "expected '" + c + "' in: " + r.err());
        }
    }

    private static void assertFailure(Result r, String... contains) {
        assertEquals(1, r.code(), r.err());
        List<String> err = lines(r.err());
        assertEquals(1, err.size(), r.err());
        for (String c : contains) {
            assertTrue(err.get(0).contains(c), "expected '" + c + "' in: " + r.err());
        }
    }

    // ------------------------------------------------------------------ results

    @Test
    void bpeBuildWritesItsMergesBesideTheModelAndEvalAppliesThem(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("raw.txt"), RAW);
        Path test = write(dir.resolve("test.txt"), RAW_TEST);
        Path arpa = dir.resolve("bpe.arpa");
        Result r = build(train, arpa, "--tokenizer", "bpe", "--bpe-merges", "30");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        Path sidecar = dir.resolve("bpe.arpa.tokenizer");
        assertTrue(r.out().contains("tokenizer: bpe (30 merges) learnt from " + train + " in "), r.out());
        assertFalse(r.out().contains("asked"), r.out());
        assertTrue(r.out().contains("tokenizer written to " + sidecar), r.out());
        BpeTokenizer bpe = BpeTokenizer.load(sidecar);
        BpeTokenizer trained = BpeTokenizer.train(lines(RAW), 256 + 30);
        assertEquals(30, bpe.merges().size());
        for (int i = 0; i < 30; i++) {
            assertArrayEquals(trained.merges().get(i), bpe.merges().get(i), "merge " + i);
        }
        // the model's words are exactly the BPE pieces of the corpus (and <unk> <s> </s>)
        NgramModel lm = NgramModel.readArpa(arpa);
        Set<String> pieces = new TreeSet<>();
        lines(RAW).forEach(line -> pieces.addAll(bpe.tokenize(line)));
        Set<String> words = new TreeSet<>();
        for (int id = 3; id < lm.vocabulary().size(); id++) {
            words.add(lm.vocabulary().token(id));
        }
        assertEquals(pieces, words);
        assertTrue(pieces.stream().anyMatch(p -> p.startsWith("Ġ") && p.length() > 2), pieces.toString());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("bpe.arpa", "bpe.arpa.tokenizer", "raw.txt", "test.txt"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left behind");
        }

        Result e = run("lm", "eval", "--model", arpa.toString(), "--input", test.toString());
        assertEquals(0, e.code(), e.err());
        assertEquals("", e.err());
        List<String> expected = new java.util.ArrayList<>();
        expected.add("Tokenizer: bpe (30 merges), from " + sidecar);
        expected.addAll(summary(arpa, test, bpe));
        assertEquals(expected, lines(e.out()));

        // the same merges given explicitly: the same figures, no warning
        Result same = run("lm", "eval", "--model", arpa.toString(), "--input", test.toString(),
                "--tokenizer", "bpe", "--bpe-model", sidecar.toString());
        assertEquals(0, same.code(), same.err());
        assertEquals("", same.err());
        assertEquals(expected.subList(1, 4), lines(same.out()).subList(1, 4));
        assertEquals("Tokenizer: bpe (30 merges), from --tokenizer", lines(same.out()).get(0));
    }

    @Test
    void anExplicitTokenizerOverridesTheFileWithAWarning(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("raw.txt"), RAW);
        Path test = write(dir.resolve("test.txt"), RAW_TEST);
        Path arpa = dir.resolve("bpe.arpa");
        assertEquals(0, build(train, arpa, "--tokenizer", "bpe", "--bpe-merges", "30").code());
        Result e = run("lm", "eval", "--model", arpa.toString(), "--input", test.toString(), "--tokenizer", "whitespace");
        assertEquals(0, e.code(), e.err());
        assertEquals(List.of("aiaas: warning: --tokenizer whitespace overrides " + arpa + ".tokenizer (bpe (30 merges)), "
                + "the tokenizer the model was built with"), lines(e.err()));
        assertEquals(summary(arpa, test, new WhitespaceTokenizer()), lines(e.out()));
        assertNotEquals(summary(arpa, test, BpeTokenizer.load(dir.resolve("bpe.arpa.tokenizer"))), lines(e.out()));
    }

    @Test
    void bpeMergesCanBeReusedForAnotherModel(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("raw.txt"), RAW);
        Path first = dir.resolve("first.arpa");
        assertEquals(0, build(train, first, "--tokenizer", "bpe", "--bpe-merges", "20").code());
        Path second = dir.resolve("second.arpa.gz");
        Result r = build(train, second, "--tokenizer", "bpe", "--bpe-model", first + ".tokenizer", "--smoothing", "wb");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("tokenizer: bpe (20 merges) from " + first + ".tokenizer"), r.out());
        assertEquals(Files.readString(dir.resolve("first.arpa.tokenizer")), Files.readString(dir.resolve("second.arpa.gz.tokenizer")));
        assertEquals(NgramModel.readArpa(first).vocabulary().size(), NgramModel.readArpa(second).vocabulary().size());
    }

    @Test
    void wordTokenizerSplitsRawTextAndIsRecorded(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("raw.txt"), RAW);
        Path test = write(dir.resolve("test.txt"), RAW_TEST);
        Path arpa = dir.resolve("word.arpa");
        Result r = build(train, arpa, "--tokenizer", "word", "--lowercase");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("tokenizer: word (lower-cased)"), r.out());
        assertEquals("aiaas-tokenizer 1\nword lowercase\n", Files.readString(dir.resolve("word.arpa.tokenizer")));
        NgramModel lm = NgramModel.readArpa(arpa);
        assertTrue(lm.vocabulary().contains("ishmael") && lm.vocabulary().contains("."), "lower-cased words, '.' apart");
        assertFalse(lm.vocabulary().contains("Ishmael.") || lm.vocabulary().contains("Call"));
        Result e = run("lm", "eval", "--model", arpa.toString(), "--input", test.toString());
        assertEquals(0, e.code(), e.err());
        List<String> out = lines(e.out());
        assertEquals("Tokenizer: word (lower-cased), from " + arpa + ".tokenizer", out.get(0));
        assertEquals(summary(arpa, test, new WordTokenizer(true)), out.subList(1, 4));
    }

    @Test
    void aWhitespaceRebuildRemovesAStaleTokenizerFile(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("raw.txt"), RAW);
        Path test = write(dir.resolve("test.txt"), RAW_TEST);
        Path arpa = dir.resolve("m.arpa");
        assertEquals(0, build(train, arpa, "--tokenizer", "word").code());
        Path sidecar = dir.resolve("m.arpa.tokenizer");
        assertTrue(Files.exists(sidecar));
        Result r = build(train, arpa);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("removed " + sidecar), r.out());
        assertFalse(Files.exists(sidecar));
        Result e = run("lm", "eval", "--model", arpa.toString(), "--input", test.toString());
        assertEquals(summary(arpa, test, new WhitespaceTokenizer()), lines(e.out()));
    }

    // ------------------------------------------------------------------ bad usage: exit 2

    @Test
    void unknownTokenizerListsTheValidOnes(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("raw.txt"), RAW);
        assertUsageError(build(train, dir.resolve("x.arpa"), "--tokenizer", "sentencepiece"),
                "--tokenizer", "'sentencepiece'", "whitespace, word, bpe");
        Path arpa = dir.resolve("m.arpa");
        assertEquals(0, build(train, arpa).code());
        assertUsageError(run("lm", "eval", "--model", arpa.toString(), "--input", train.toString(), "--tokenizer", "chars"),
                "--tokenizer", "'chars'", "whitespace, word, bpe");
    }

    @Test
    void bpeOptionsMustFitTogether(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("raw.txt"), RAW);
        Path bpeFile = dir.resolve("merges.bpe");
        BpeTokenizer.train(lines(RAW), 270).save(bpeFile);
        Path x = dir.resolve("x.arpa");
        assertUsageError(build(train, x, "--tokenizer", "bpe"), "--tokenizer bpe needs --bpe-merges N", "--bpe-model FILE");
        assertUsageError(build(train, x, "--tokenizer", "bpe", "--bpe-merges", "10", "--bpe-model", bpeFile.toString()),
                "--bpe-merges and --bpe-model exclude each other");
        assertUsageError(build(train, x, "--bpe-merges", "10"), "--bpe-merges applies to --tokenizer bpe only",
                "--tokenizer whitespace");
        assertUsageError(build(train, x, "--tokenizer", "word", "--bpe-model", bpeFile.toString()),
                "--bpe-model applies to --tokenizer bpe only");
        assertUsageError(build(train, x, "--tokenizer", "bpe", "--bpe-merges", "-1"), "--bpe-merges must be in 0..", "got -1");
        assertUsageError(build(train, x, "--lowercase"), "--lowercase applies to --tokenizer word only");
        assertFalse(Files.exists(x));

        Path arpa = dir.resolve("m.arpa");
        assertEquals(0, build(train, arpa).code());
        assertUsageError(run("lm", "eval", "--model", arpa.toString(), "--input", train.toString(), "--tokenizer", "bpe"),
                "--tokenizer bpe needs --bpe-model FILE");
        assertUsageError(run("lm", "eval", "--model", arpa.toString(), "--input", train.toString(), "--lowercase"),
                "--lowercase needs --tokenizer word");
        assertUsageError(run("lm", "eval", "--model", arpa.toString(), "--input", train.toString(), "--bpe-model",
                bpeFile.toString()), "--bpe-model needs --tokenizer bpe");
    }

    @Test
    void missingBpeFileIsNamed(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("raw.txt"), RAW);
        Path missing = dir.resolve("no-such-merges.bpe");
        assertUsageError(build(train, dir.resolve("x.arpa"), "--tokenizer", "bpe", "--bpe-model", missing.toString()),
                "--bpe-model", "file not found", missing.toString());
        Path arpa = dir.resolve("m.arpa");
        assertEquals(0, build(train, arpa).code());
        assertUsageError(run("lm", "eval", "--model", arpa.toString(), "--input", train.toString(), "--tokenizer", "bpe",
                "--bpe-model", missing.toString()), "--bpe-model", "file not found", missing.toString());
    }

    // ------------------------------------------------------------------ failures: exit 1

    @Test
    void malformedBpeFileNamesTheFileAndLine(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("raw.txt"), RAW);
        Path bad = write(dir.resolve("bad.bpe"), "aiaas-bpe 1\nmerges 1\n97 98 xy\n");
        Path x = dir.resolve("x.arpa");
        assertFailure(build(train, x, "--tokenizer", "bpe", "--bpe-model", bad.toString()),
                "--bpe-model", bad.toString(), "line 3", "'xy'");
        assertFalse(Files.exists(x));
    }

    @Test
    void unreadableTokenizerFileNamesItAndTheWayOut(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("raw.txt"), RAW);
        Path arpa = dir.resolve("m.arpa");
        assertEquals(0, build(train, arpa, "--tokenizer", "word").code());
        Path sidecar = write(dir.resolve("m.arpa.tokenizer"), "aiaas-tokenizer 9\nword\n");
        assertFailure(run("lm", "eval", "--model", arpa.toString(), "--input", train.toString()),
                sidecar.toString(), "format version 9, this library reads up to 1", "pass --tokenizer");
        // an explicit tokenizer still works, with a warning
        Result r = run("lm", "eval", "--model", arpa.toString(), "--input", train.toString(), "--tokenizer", "word");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("warning: --tokenizer word overrides " + sidecar + " (unreadable)"), r.err());
    }

    @Test
    void bpeTrainingThatStopsEarlySaysSo(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("raw.txt"), RAW);
        int possible = BpeTokenizer.train(lines(RAW), 256 + 1000).vocabSize() - 256;
        assertTrue(possible < 1000, "the small corpus has fewer than 1000 pairs worth merging");
        Result r = build(train, dir.resolve("m.arpa"), "--tokenizer", "bpe", "--bpe-merges", "1000");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("tokenizer: bpe (" + possible + " merges) learnt from " + train), r.out());
        assertTrue(r.out().contains("(1000 asked; training stopped when no pair occurred twice)"), r.out());
    }

    @Test
    void tokenizerFileHoldsTheRightKind(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("raw.txt"), RAW);
        Path arpa = dir.resolve("m.arpa");
        assertEquals(0, build(train, arpa, "--tokenizer", "bpe", "--bpe-merges", "5").code());
        assertInstanceOf(BpeTokenizer.class, dev.aiaas.nlp.text.TokenizerFiles.load(dir.resolve("m.arpa.tokenizer")));
    }

    /** A model over BPE pieces samples pieces; lm sample prints them decoded: no byte-alphabet marks, and text a BPE re-encodes. */
    @Test
    void sampleFromABpeModelPrintsDecodedText(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("raw.txt"), RAW);
        Path arpa = dir.resolve("bpe.arpa");
        assertEquals(0, build(train, arpa, "--tokenizer", "bpe", "--bpe-merges", "30").code());
        Result r = run("lm", "sample", "--model", arpa.toString(), "--count", "5", "--seed", "3");
        assertEquals(0, r.code(), r.err());
        List<String> sentences = lines(r.out());
        assertEquals(5, sentences.size(), r.out());
        for (String s : sentences) {
            assertFalse(s.contains("\u0120") || s.contains("Ġ"), "still in BPE's byte alphabet: " + s);
        }
        assertTrue(sentences.stream().anyMatch(s -> s.contains(" ")), "decoded words are separated by spaces: " + r.out());
    }

    @Test
    void detokenizeInvertsTokenize() {
        BpeTokenizer bpe = BpeTokenizer.train(lines(RAW), 256 + 30);
        for (String line : lines(RAW)) {
            assertEquals(line, BpeTokenizer.detokenize(bpe.tokenize(line)));
        }
        assertEquals("<unk> sea", BpeTokenizer.detokenize(List.of("<unk>", "Ġsea")));
    }
}
