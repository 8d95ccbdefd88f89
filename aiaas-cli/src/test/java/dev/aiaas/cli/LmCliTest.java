package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.cli.CliTest.Result;
import dev.aiaas.nlp.corpus.Corpora;
import dev.aiaas.nlp.lm.NgramModel;
import dev.aiaas.nlp.lm.Perplexity;
import dev.aiaas.nlp.text.TextFiles;
import dev.aiaas.nlp.text.WhitespaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aiaas lm build|eval|sample}, run in this JVM: results, output formats and every error path. */
class LmCliTest {

    /** Two sentences whose adjusted counts of counts cannot give Kneser-Ney discounts (as in lmplz). */
    private static final String TOO_SMALL_FOR_KN = "a b\na b\n";
    /** A tiny corpus that Witten-Bell (which needs no discounts) can model. */
    private static final String TINY = "the cat sat\nthe dog sat\nthe cat ran\n";

    private static CliTest.Result run(String... args) {
        return CliTest.run(args);
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static List<String> lines(String out) {
        return out.lines().toList();
    }

    private static void assertOneErrorLine(Result r, String... contains) {
        List<String> err = lines(r.err());
        assertEquals(1, err.size(), r.err());
        assertTrue(err.get(0).startsWith("aiaas: error: "), r.err());
        for (String c : contains) {
            assertTrue(err.get(0).contains(c), "expected '" + c + "' in: " + r.err());
        }
    }

    private static void assertUsageError(Result r, String... contains) {
        assertEquals(2, r.code(), r.err());
        String first = lines(r.err()).get(0);
        assertTrue(first.startsWith("aiaas: "), r.err());
        for (String c : contains) {
            assertTrue(first.contains(c), "expected '" + c + "' in: " + r.err());
        }
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
    }

    // ------------------------------------------------------------------ results

    @Test
    void mobyDickOrder3EqualsKenlm(@TempDir Path dir) throws IOException {
        Path train = dir.resolve("moby-train.txt");
        Path test = dir.resolve("moby-test.txt");
        try (InputStream a = Corpora.openMobyDickTrain(); InputStream b = Corpora.openMobyDickTest()) {
            Files.copy(a, train);
            Files.copy(b, test);
        }
        Path arpa = dir.resolve("moby-3.arpa.gz");
        Result built = run("lm", "build", "--order", "3", "--input", train.toString(), "--out", arpa.toString());
        assertEquals(0, built.code(), built.err());
        assertEquals("", built.err());
        // lmplz's own log (aiaas-nlp's src/test/resources/moby/moby-3.lmplz.log) prints these three lines
        assertTrue(built.out().contains("\n1 16536 D1=0.571779 D2=1.11979 D3+=1.64996\n"), built.out());
        assertTrue(built.out().contains("\n2 101230 D1=0.795285 D2=1.16653 D3+=1.46398\n"), built.out());
        assertTrue(built.out().contains("\n3 180410 D1=0.88983 D2=1.17915 D3+=1.51485\n"), built.out());
        assertTrue(built.out().contains("7519 sentences, 224360 tokens"), built.out());
        assertTrue(built.out().contains("model tables") && built.out().contains("JVM heap"), built.out());

        Result eval = run("lm", "eval", "--model", arpa.toString(), "--input", test.toString());
        assertEquals(0, eval.code(), eval.err());
        // KenLM query: 243.42050701046327, 199.89416556792477, 842 OOVs
        assertEquals(List.of("Perplexity including OOVs: 243.4205", "Perplexity excluding OOVs: 199.8942", "OOVs: 842"),
                lines(eval.out()));

        Result perSentence = run("lm", "eval", "--model", arpa.toString(), "--input", test.toString(), "--per-sentence");
        assertEquals(0, perSentence.code(), perSentence.err());
        List<String> out = lines(perSentence.out());
        assertEquals(1180 + 3, out.size());
        // KenLM query's own lines for the first three sentences (aiaas-nlp's moby-3.kenlm.test-sentences.txt.gz)
        assertEquals(List.of("Total: -8.534686 OOV: 1", "Total: -18.818804 OOV: 0", "Total: -42.705013 OOV: 1"),
                out.subList(0, 3));
        assertEquals(lines(eval.out()), out.subList(1180, 1183));
    }

    /**
     * A hand-written bigram model (KenLM's test style) whose scores are sums of its entries, all
     * exact in binary, so every printed number is worked out by hand:
     * <ul>
     *   <li>"b": p(b | &lt;s&gt;) backs off, bo(&lt;s&gt;) + p(b) = −0.5 − 2.0078125 = −2.5078125 (1-gram);
     *       p(&lt;/s&gt; | b) = −0.375 (2-gram); total −2.8828125, which needs 8 digits to read back
     *       as its float (6 digits, a C++ stream's default, would print −2.88281);
     *   <li>"a zebra": p(a | &lt;s&gt;) = −10.5 (2-gram); zebra is out of the vocabulary, so &lt;unk&gt;
     *       after a: bo(a) + p(&lt;unk&gt;) = −0.25 − 1 = −1.25 (1-gram, id 0); p(&lt;/s&gt; | &lt;unk&gt;) = −0.75
     *       (1-gram: no context after &lt;unk&gt;); total −12.5, one OOV.
     * </ul>
     * Ids are the ARPA file's order with &lt;unk&gt; first, as KenLM numbers them.
     */
    @Test
    void perSentenceAndPerWordPrintQuerysLinesWithItsPrecision(@TempDir Path dir) throws IOException {
        Path arpa = write(dir.resolve("hand.arpa"), String.join("\n",
                "\\data\\",
                "ngram 1=5",
                "ngram 2=3",
                "",
                "\\1-grams:",
                "-1.0\t<unk>\t0",
                "0\t<s>\t-0.5",
                "-0.75\t</s>\t0",
                "-0.625\ta\t-0.25",
                "-2.0078125\tb\t-0.125",
                "",
                "\\2-grams:",
                "-10.5\t<s> a",
                "-0.25\ta b",
                "-0.375\tb </s>",
                "",
                "\\end\\",
                ""));
        Path test = write(dir.resolve("test.txt"), "b\na zebra\n");
        Result sentences = run("lm", "eval", "--model", arpa.toString(), "--input", test.toString(), "--per-sentence");
        assertEquals(0, sentences.code(), sentences.err());
        List<String> out = lines(sentences.out());
        assertEquals(List.of("Total: -2.8828125 OOV: 0", "Total: -12.5 OOV: 1"), out.subList(0, 2));
        // perplexity: 10^(-(−2.8828125 − 12.5)/5) over 5 tokens; excluding the OOV: 10^(-(−15.3828125 + 1.25)/4)
        assertEquals(List.of(String.format(Locale.ROOT, "Perplexity including OOVs: %.4f", Math.pow(10, 15.3828125 / 5)),
                String.format(Locale.ROOT, "Perplexity excluding OOVs: %.4f", Math.pow(10, 14.1328125 / 4)), "OOVs: 1"),
                out.subList(2, 5));

        Result words = run("lm", "eval", "--model", arpa.toString(), "--input", test.toString(), "--per-word");
        assertEquals(0, words.code(), words.err());
        assertEquals(List.of(
                "b=4 1 -2.5078125\t</s>=2 2 -0.375\tTotal: -2.8828125 OOV: 0",
                "a=3 2 -10.5\tzebra=0 1 -1.25\t</s>=2 1 -0.75\tTotal: -12.5 OOV: 1"),
                lines(words.out()).subList(0, 2));
        assertEquals(out.subList(2, 5), lines(words.out()).subList(2, 5), "the same summary");
        assertEquals(lines(words.out()),
                lines(run("lm", "eval", "--model", arpa.toString(), "--input", test.toString(), "--per-word", "--per-sentence").out()),
                "--per-word includes the per-sentence totals");
    }

    @Test
    void buildWritesAnArpaFileThatEvalReads(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("tiny.txt"), TINY);
        Path arpa = dir.resolve("tiny.arpa");
        Result r = run("lm", "build", "--order", "2", "--smoothing", "wb", "--input", train.toString(), "--out", arpa.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Witten-Bell (wb), order 2"), r.out());
        // 1-grams: <unk> <s> </s> the cat sat dog ran; 2-grams: <s> the, the cat, the dog, cat sat,
        // dog sat, cat ran, sat </s>, ran </s>
        assertTrue(r.out().contains("\n1 8\n2 8\n"), r.out());
        assertTrue(Files.readString(arpa).startsWith("\\data\\\nngram 1=8\nngram 2=8\n"), Files.readString(arpa));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("tiny.arpa", "tiny.txt"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file left behind");
        }

        Path test = write(dir.resolve("test.txt"), "the cat sat\nthe bird sat\n");
        Result e = run("lm", "eval", "--model", arpa.toString(), "--input", test.toString());
        assertEquals(0, e.code(), e.err());
        Perplexity p = Perplexity.evaluate(NgramModel.readArpa(arpa), test, new WhitespaceTokenizer());
        assertEquals(List.of(String.format(Locale.ROOT, "Perplexity including OOVs: %.4f", p.including()),
                String.format(Locale.ROOT, "Perplexity excluding OOVs: %.4f", p.excludingOovs()), "OOVs: 1"), lines(e.out()));
    }

    @Test
    void buildReadsGzipInputAndWritesGzipOutput(@TempDir Path dir) throws IOException {
        Path train = dir.resolve("tiny.txt.gz");
        try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(train))) {
            os.write(TINY.getBytes(StandardCharsets.UTF_8));
        }
        Path arpa = dir.resolve("tiny.arpa.gz");
        Result r = run("lm", "build", "--order", "2", "--smoothing", "addk", "--input", train.toString(), "--out", arpa.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("3 sentences, 9 tokens"), r.out());
        try (var in = TextFiles.lines(arpa, dev.aiaas.nlp.text.TextLimits.defaults())) {
            assertEquals("\\data\\", in.readLine());
        }
        assertEquals(8, NgramModel.readArpa(arpa).ngramCount(1));
    }

    @Test
    void discountFallbackLetsKneserNeyBuildOnTinyData(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("tiny.txt"), TOO_SMALL_FOR_KN);
        Path arpa = dir.resolve("tiny.arpa");
        Result r = run("lm", "build", "--order", "2", "--discount-fallback", "--input", train.toString(), "--out", arpa.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\n1 5 D1=0.5 D2=1 D3+=1.5\n"), r.out());
        assertTrue(Files.isRegularFile(arpa));
    }

    @Test
    void sampleIsReproducibleWithTheSeed(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("tiny.txt"), TINY);
        Path arpa = dir.resolve("tiny.arpa");
        assertEquals(0, run("lm", "build", "--order", "2", "--smoothing", "wb", "--input", train.toString(), "--out", arpa.toString()).code());
        String[] args = {"lm", "sample", "--model", arpa.toString(), "--count", "5", "--seed", "7", "--temperature", "0.9",
            "--top-k", "4", "--top-p", "0.99", "--max-tokens", "6"};
        Result a = run(args);
        assertEquals(0, a.code(), a.err());
        List<String> sentences = lines(a.out());
        assertEquals(5, sentences.size(), a.out());
        for (String s : sentences) {
            assertTrue(s.isEmpty() || s.split(" ").length <= 6, s);
            for (String w : s.isEmpty() ? new String[0] : s.split(" ")) {
                assertTrue(List.of("the", "cat", "dog", "sat", "ran").contains(w), "word outside the vocabulary: " + s);
            }
        }
        assertEquals(a.out(), run(args).out(), "same seed, same sentences");
        String[] withDefault = {"lm", "sample", "--model", arpa.toString(), "--count", "5", "--temperature", "0.9",
            "--top-k", "4", "--top-p", "0.99", "--max-tokens", "6"};
        String[] with42 = {"lm", "sample", "--model", arpa.toString(), "--count", "5", "--seed", "42", "--temperature", "0.9",
            "--top-k", "4", "--top-p", "0.99", "--max-tokens", "6"};
        assertEquals(run(with42).out(), run(withDefault).out(), "without --seed, the one default seed 42");
        Result greedy = run("lm", "sample", "--model", arpa.toString(), "--count", "2", "--seed", "1", "--top-k", "1");
        assertEquals(0, greedy.code(), greedy.err());
        // top-k 1 always takes the most probable word: after <s> the, then cat (2 of 3), then sat
        // (tied with ran; the sampler breaks ties by the lower id, and sat was seen first), then </s>
        assertEquals(List.of("the cat sat", "the cat sat"), lines(greedy.out()));
    }

    // ------------------------------------------------------------------ LSTM models

    private static String[] trainArgs(Path train, Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("lm", "train", "--input", train.toString(), "--out", out.toString(),
                "--epochs", "3", "--embedding", "8", "--hidden", "8", "--seq-len", "6", "--overlap", "2", "--batch-size", "4",
                "--lr", "0.02", "--min-count", "1", "--seed", "1"));
        for (int i = 0; i + 1 < more.length; i += 2) { // an option given again replaces the default above
            int at = a.indexOf(more[i]);
            if (at >= 0) {
                a.set(at + 1, more[i + 1]);
            } else {
                a.add(more[i]);
                a.add(more[i + 1]);
            }
        }
        return a.toArray(new String[0]);
    }

    @Test
    void trainWritesAnLstmModelThatEvalAndSampleRead(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("train.txt"), TINY.repeat(4));
        Path test = write(dir.resolve("test.txt"), "the cat sat\nthe bird sat\n");
        Path model = dir.resolve("tiny.lstm.aiaas");
        Result t = run(trainArgs(train, model, "--validation", test.toString()));
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("12 sentences, 36 tokens") && t.out().contains("saved " + model), t.out());
        assertTrue(t.out().contains("val_loss"), "per-epoch progress with validation: " + t.out());

        Perplexity p = Perplexity.evaluate(dev.aiaas.nlp.lm.LstmLanguageModel.load(model), test, new WhitespaceTokenizer());
        List<String> expected = List.of(String.format(Locale.ROOT, "Perplexity including OOVs: %.4f", p.including()),
                String.format(Locale.ROOT, "Perplexity excluding OOVs: %.4f", p.excludingOovs()), "OOVs: 1");
        List<String> trainLines = lines(t.out());
        assertEquals(expected, trainLines.subList(trainLines.size() - 3, trainLines.size()));
        Result e = run("lm", "eval", "--model", model.toString(), "--input", test.toString());
        assertEquals(0, e.code(), e.err());
        assertEquals(expected, lines(e.out()));
        Result perSentence = run("lm", "eval", "--model", model.toString(), "--input", test.toString(), "--per-sentence");
        assertEquals(5, lines(perSentence.out()).size(), perSentence.out());
        assertTrue(lines(perSentence.out()).get(1).endsWith("OOV: 1"), perSentence.out());
        Result perWord = run("lm", "eval", "--model", model.toString(), "--input", test.toString(), "--per-word");
        List<String> second = List.of(lines(perWord.out()).get(1).split("\t"));
        // the=ID 1 P, bird=0 2 P, sat=ID 3 P, </s>=2 4 P (the LSTM's length: the position), then the total
        assertEquals(5, second.size(), perWord.out());
        assertTrue(second.get(1).startsWith("bird=0 2 -") && second.get(3).startsWith("</s>=2 4 -"), perWord.out());
        assertEquals(lines(perSentence.out()).get(1), second.get(4), "the same Total as --per-sentence");

        String[] sample = {"lm", "sample", "--model", model.toString(), "--count", "3", "--seed", "7", "--max-tokens", "5"};
        Result a = run(sample);
        assertEquals(0, a.code(), a.err());
        assertEquals(3, lines(a.out()).size(), a.out());
        for (String line : lines(a.out())) {
            for (String w : line.isEmpty() ? new String[0] : line.split(" ")) {
                assertTrue(List.of("the", "cat", "dog", "sat", "ran").contains(w), "word outside the vocabulary: " + line);
            }
        }
        assertEquals(a.out(), run(sample).out(), "same seed, same sentences");
    }

    @Test
    void badTrainingOptionsAreBadUsageNamingTheValue(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("train.txt"), TINY);
        Path model = dir.resolve("m.aiaas");
        assertUsageError(run(trainArgs(train, model, "--hidden", "0")), "--hidden must be in 1..8192, got 0");
        assertUsageError(run(trainArgs(train, model, "--overlap", "9")), "contextOverlap=9");
        assertUsageError(run(trainArgs(train, dir.resolve("no/such/folder/m.aiaas"))), "--out", "folder not found");
        assertUsageError(run(trainArgs(dir.resolve("missing.txt"), model)), "--input", "file not found");
        assertUsageError(run(trainArgs(train, model, "--validation", dir.resolve("missing.txt").toString())), "--validation");
        assertFalse(Files.exists(model));
    }

    @Test
    void evalOfAnAiaasFileThatIsNoLanguageModelFailsWithOneLine(@TempDir Path dir) throws IOException {
        Path plain = dir.resolve("mlp.aiaas");
        try (dev.aiaas.core.nn.Model m = dev.aiaas.core.nn.Model.builder(4).add(dev.aiaas.core.nn.Layers.dense(2)).build()) {
            dev.aiaas.core.io.ModelIO.save(m, plain);
        }
        Path test = write(dir.resolve("test.txt"), "the cat sat\n");
        Result r = run("lm", "eval", "--model", plain.toString(), "--input", test.toString());
        assertEquals(1, r.code(), r.err());
        assertOneErrorLine(r, "not an LSTM language model", "lm train");
    }

    // ------------------------------------------------------------------ usage errors: exit 2

    @Test
    void everyLmCommandHasHelp() {
        for (String cmd : new String[] {"build", "train", "eval", "sample"}) {
            Result r = run("lm", cmd, "--help");
            assertEquals(0, r.code(), cmd);
            assertTrue(r.out().contains("Usage: aiaas lm " + cmd), r.out());
        }
        Result r = run("lm", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("build") && r.out().contains("eval") && r.out().contains("sample"), r.out());
        assertTrue(run("--help").out().contains("lm"));
    }

    @Test
    void lmWithoutACommandIsBadUsage() {
        assertUsageError(run("lm"), "Missing command", "aiaas lm build");
    }

    @Test
    void unknownSmoothingListsTheValidOnes(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("tiny.txt"), TINY);
        Result r = run("lm", "build", "--order", "3", "--smoothing", "good-turing", "--input", train.toString(),
                "--out", dir.resolve("x.arpa").toString());
        assertUsageError(r, "--smoothing", "'good-turing'", "mkn|kn|wb|abs|addk|mle|stupid");
    }

    @Test
    void orderBelowOneIsBadUsage(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("tiny.txt"), TINY);
        Result r = run("lm", "build", "--order", "0", "--input", train.toString(), "--out", dir.resolve("x.arpa").toString());
        assertUsageError(r, "--order", "order=0");
    }

    @Test
    void missingRequiredOptionIsBadUsage() {
        assertUsageError(run("lm", "build", "--input", "x.txt", "--out", "x.arpa"), "--order");
    }

    @Test
    void missingFilesAreNamed(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("no-such-corpus.txt");
        assertUsageError(run("lm", "build", "--order", "3", "--input", missing.toString(), "--out", dir.resolve("x.arpa").toString()),
                "--input", "file not found", missing.toString());
        Path tiny = write(dir.resolve("tiny.txt"), TINY);
        Path noModel = dir.resolve("no-such-model.arpa");
        assertUsageError(run("lm", "eval", "--model", noModel.toString(), "--input", tiny.toString()),
                "--model", "file not found", noModel.toString());
        assertUsageError(run("lm", "sample", "--model", noModel.toString(), "--count", "1", "--seed", "1"),
                "--model", "file not found", noModel.toString());
        Path noFolder = dir.resolve("no-such-folder").resolve("x.arpa");
        assertUsageError(run("lm", "build", "--order", "2", "--input", tiny.toString(), "--out", noFolder.toString()),
                "--out", "folder not found");
    }

    @Test
    void badSamplingOptionsAreBadUsage(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("tiny.txt"), TINY);
        Path arpa = dir.resolve("tiny.arpa");
        assertEquals(0, run("lm", "build", "--order", "2", "--smoothing", "wb", "--input", train.toString(), "--out", arpa.toString()).code());
        assertUsageError(run("lm", "sample", "--model", arpa.toString(), "--count", "0", "--seed", "1"), "--count", "got 0");
        assertUsageError(run("lm", "sample", "--model", arpa.toString(), "--count", "1", "--seed", "1", "--top-p", "1.5"), "topP=1.5");
        assertUsageError(run("lm", "sample", "--model", arpa.toString(), "--count", "1", "--seed", "1", "--temperature", "0"),
                "temperature=0");
        assertUsageError(run("lm", "sample", "--model", arpa.toString(), "--count", "1", "--seed", "x"), "--seed");
    }

    // ------------------------------------------------------------------ failures: exit 1

    @Test
    void malformedArpaGivesTheLineNumberAndContent(@TempDir Path dir) throws IOException {
        Path arpa = write(dir.resolve("bad.arpa"), "\\data\\\nngram 1=2\n\n\\1-grams:\n-1.0\t<s>\nnot a number\n\\end\\\n");
        Path tiny = write(dir.resolve("tiny.txt"), TINY);
        Result r = run("lm", "eval", "--model", arpa.toString(), "--input", tiny.toString());
        assertEquals(1, r.code());
        assertOneErrorLine(r, "bad.arpa line 6", "'not a number'");
        assertEquals("", r.out());
    }

    @Test
    void discountsThatCannotBeEstimatedNameTheFallbackOption(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("tiny.txt"), TOO_SMALL_FOR_KN);
        Result r = run("lm", "build", "--order", "2", "--input", train.toString(), "--out", dir.resolve("x.arpa").toString());
        assertEquals(1, r.code());
        assertOneErrorLine(r, "Could not calculate Kneser-Ney discounts", "Is this small or artificial data?", "--discount-fallback");
        assertFalse(r.err().contains("NgramOptions"), "the CLI's advice names its own option: " + r.err());
        assertFalse(Files.exists(dir.resolve("x.arpa")));
    }

    @Test
    void emptyTestCorpusFails(@TempDir Path dir) throws IOException {
        Path train = write(dir.resolve("tiny.txt"), TINY);
        Path arpa = dir.resolve("tiny.arpa");
        assertEquals(0, run("lm", "build", "--order", "2", "--smoothing", "wb", "--input", train.toString(), "--out", arpa.toString()).code());
        Path empty = write(dir.resolve("empty.txt"), "");
        Result r = run("lm", "eval", "--model", arpa.toString(), "--input", empty.toString());
        assertEquals(1, r.code());
        assertOneErrorLine(r, "no sentences in", "empty.txt");
    }

    @Test
    void corruptGzipInputNamesTheFile(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("broken.txt.gz");
        Files.write(bad, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0});
        Result r = run("lm", "build", "--order", "2", "--input", bad.toString(), "--out", dir.resolve("x.arpa").toString());
        assertEquals(1, r.code());
        assertOneErrorLine(r, "cannot read", "broken.txt.gz");
    }

    // ------------------------------------------------------------------ atomic write

    @Test
    void anExistingArpaSurvivesAFailingBuild(@TempDir Path dir) throws IOException {
        Path good = write(dir.resolve("good.txt"), TINY);
        Path arpa = dir.resolve("model.arpa");
        assertEquals(0, run("lm", "build", "--order", "2", "--smoothing", "wb", "--input", good.toString(), "--out", arpa.toString()).code());
        byte[] before = Files.readAllBytes(arpa);
        Path bad = write(dir.resolve("bad.txt"), TOO_SMALL_FOR_KN);
        assertEquals(1, run("lm", "build", "--order", "2", "--input", bad.toString(), "--out", arpa.toString()).code());
        assertEquals(new String(before, StandardCharsets.UTF_8), Files.readString(arpa));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(3, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void aWriteThatFailsHalfwayLeavesTheOldFileAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = write(dir.resolve("model.arpa"), "old content\n");
        IOException e = assertThrows(IOException.class, () -> CliFiles.writeAtomically(file, w -> {
            w.write("\\data\\\n".repeat(100_000)); // more than the buffers hold, so it reaches the disk
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old content\n", Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        CliFiles.writeAtomically(file, w -> w.write("new content\n"));
        assertEquals("new content\n", Files.readString(file));
        assertNotEquals(0, Files.size(file));
    }
}
