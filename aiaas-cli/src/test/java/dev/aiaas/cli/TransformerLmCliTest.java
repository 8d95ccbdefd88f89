package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.cli.CliTest.Result;
import dev.aiaas.nlp.corpus.Corpora;
import dev.aiaas.nlp.lm.Perplexity;
import dev.aiaas.nlp.lm.TransformerLanguageModel;
import dev.aiaas.nlp.lm.TransformerLmOptions;
import dev.aiaas.nlp.text.WhitespaceTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aiaas lm train --model transformer}, then {@code lm eval} and {@code lm sample} on its file, on a tiny Moby-Dick slice. */
class TransformerLmCliTest {

    private static List<String> lines(String out) {
        return out.lines().toList();
    }

    /** The first 40 training sentences of the embedded Moby-Dick and 10 test sentences, as text files. */
    private static Path[] slice(Path dir) throws IOException {
        List<String> train = Corpora.mobyDickTrain().subList(0, 40).stream().map(s -> String.join(" ", s)).toList();
        List<String> test = Corpora.mobyDickTest().subList(0, 10).stream().map(s -> String.join(" ", s)).toList();
        return new Path[] {Files.write(dir.resolve("train.txt"), train, StandardCharsets.UTF_8),
            Files.write(dir.resolve("test.txt"), test, StandardCharsets.UTF_8)};
    }

    @Test
    void trainWritesATransformerThatEvalAndSampleRead(@TempDir Path dir) throws IOException {
        Path[] files = slice(dir);
        Path model = dir.resolve("gpt.aiaas");
        Result t = CliTest.run("lm", "train", "--model", "transformer", "--input", files[0].toString(), "--out", model.toString(),
                "--layers", "1", "--heads", "2", "--dim", "16", "--context", "12", "--epochs", "2", "--batch-size", "8",
                "--validation", files[1].toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("saved " + model) && t.out().contains("val_loss"), t.out());
        TransformerLanguageModel lm = TransformerLanguageModel.load(model);
        TransformerLmOptions o = lm.options();
        assertEquals(List.of(1, 2, 16, 12, 4), List.of(o.layers(), o.heads(), o.dim(), o.context(), o.contextOverlap()),
                "the sizes given; the overlap of the default 16 cut to context/3");
        TransformerLmOptions d = TransformerLmOptions.defaults();
        assertEquals(List.of(d.learningRate(), d.dropout(), d.clipNorm(), d.weightDecay(), d.tieEmbeddings()),
                List.of(o.learningRate(), o.dropout(), o.clipNorm(), o.weightDecay(), o.tieEmbeddings()),
                "the transformer's own defaults");
        assertEquals(2, o.epochs());

        Perplexity p = Perplexity.evaluate(lm, files[1], new WhitespaceTokenizer());
        List<String> expected = List.of(String.format(Locale.ROOT, "Perplexity including OOVs: %.4f", p.including()),
                String.format(Locale.ROOT, "Perplexity excluding OOVs: %.4f", p.excludingOovs()), "OOVs: " + p.oovs());
        List<String> trainLines = lines(t.out());
        assertEquals(expected, trainLines.subList(trainLines.size() - 3, trainLines.size()));
        Result e = CliTest.run("lm", "eval", "--model", model.toString(), "--input", files[1].toString());
        assertEquals(0, e.code(), e.err());
        assertEquals(expected, lines(e.out()));
        Result perWord = CliTest.run("lm", "eval", "--model", model.toString(), "--input", files[1].toString(), "--per-word");
        assertEquals(0, perWord.code(), perWord.err());
        assertEquals(10 + 3, lines(perWord.out()).size(), "a line per sentence and the summary");

        String[] sample = {"lm", "sample", "--model", model.toString(), "--count", "3", "--seed", "7", "--max-tokens", "8"};
        Result a = CliTest.run(sample);
        assertEquals(0, a.code(), a.err());
        assertEquals(3, lines(a.out()).size(), a.out());
        Set<String> vocabulary = new java.util.HashSet<>();
        for (int id = 0; id < lm.vocabulary().size(); id++) {
            vocabulary.add(lm.vocabulary().token(id));
        }
        for (String line : lines(a.out())) {
            for (String w : line.isEmpty() ? new String[0] : line.split(" ")) {
                assertTrue(vocabulary.contains(w), "word outside the vocabulary: " + line);
            }
        }
        assertEquals(a.out(), CliTest.run(sample).out(), "same seed, same sentences");
    }

    /** --tie-embeddings and --no-tie-embeddings set the option either way; a tied file's output kernel is Eᵀ. */
    @Test
    void tyingIsChosenEitherWay(@TempDir Path dir) throws IOException {
        Path[] files = slice(dir);
        for (String flag : List.of("--tie-embeddings", "--no-tie-embeddings")) {
            Path model = dir.resolve(flag.substring(2) + ".aiaas");
            Result t = CliTest.run("lm", "train", "--model", "transformer", "--input", files[0].toString(), "--out",
                    model.toString(), "--layers", "1", "--heads", "2", "--dim", "8", "--context", "12", "--epochs", "1",
                    flag);
            assertEquals(0, t.code(), t.err());
            assertEquals(flag.equals("--tie-embeddings"), TransformerLanguageModel.load(model).options().tieEmbeddings(),
                    flag);
        }
    }

    @Test
    void badTransformerOptionsAreBadUsageNamingTheValue(@TempDir Path dir) throws IOException {
        Path[] files = slice(dir);
        Path out = dir.resolve("gpt.aiaas");
        List<String[]> bad = new ArrayList<>();
        bad.add(new String[] {"--model", "gru"});
        bad.add(new String[] {"--model", "transformer", "--heads", "3"});
        bad.add(new String[] {"--model", "transformer", "--layers", "0"});
        bad.add(new String[] {"--model", "transformer", "--context", "1"});
        bad.add(new String[] {"--model", "transformer", "--warmup", "1.5"});
        bad.add(new String[] {"--tie-embeddings"});
        bad.add(new String[] {"--model", "lstm", "--no-tie-embeddings"});
        String[] named = {"--model must be lstm or transformer, got 'gru'", "dim must be a multiple of heads",
            "--layers must be in 1..256, got 0", "--context must be in 2..8192, got 1", "warmup must be in [0, 1)",
            "--tie-embeddings and --no-tie-embeddings are for --model transformer",
            "--tie-embeddings and --no-tie-embeddings are for --model transformer"};
        for (int i = 0; i < bad.size(); i++) {
            List<String> args = new ArrayList<>(List.of("lm", "train", "--input", files[0].toString(), "--out", out.toString()));
            args.addAll(List.of(bad.get(i)));
            Result r = CliTest.run(args.toArray(new String[0]));
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains(named[i]), "expected '" + named[i] + "' in: " + r.err());
        }
        assertTrue(!Files.exists(out), "nothing written on bad usage");
        assertTrue(lines(CliTest.run("lm", "train", "--help").out()).stream().collect(Collectors.joining("\n"))
                .contains("--model transformer"));
    }
}
