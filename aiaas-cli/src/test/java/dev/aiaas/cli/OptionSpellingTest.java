package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One spelling per option across the commands, an examples section in every command's help whose
 * examples parse, and the former spellings kept working as hidden aliases.
 */
class OptionSpellingTest {

    /** Every command by its path, for example {@code [lm, build]}, the root as {@code []}. */
    static Map<List<String>, CommandLine> commands() {
        Map<List<String>, CommandLine> out = new LinkedHashMap<>();
        collect(AiaasCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())), List.of(), out);
        return out;
    }

    private static void collect(CommandLine cl, List<String> path, Map<List<String>, CommandLine> out) {
        out.put(path, cl);
        cl.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(path);
            p.add(name);
            collect(sub, p, out);
        });
    }

    @Test
    void everyCommandsHelpEndsWithExamplesThatParse() {
        Map<List<String>, CommandLine> all = commands();
        assertTrue(all.size() >= 12, all.keySet().toString());
        for (Map.Entry<List<String>, CommandLine> c : all.entrySet()) {
            List<String> path = c.getKey();
            // the examples are in the command's own @Command; only picocli's 'help' gets them at run time
            Object command = c.getValue().getCommand();
            if (!(command instanceof CommandLine.HelpCommand)) {
                Command annotation = command.getClass().getAnnotation(Command.class);
                assertTrue(annotation.footer().length > 0 && annotation.footerHeading().equals("%nExamples:%n"),
                        command.getClass().getSimpleName() + "'s @Command has no footerHeading/footer of examples");
            }
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliTest.Result r = CliTest.run(args.toArray(new String[0]));
            assertEquals(0, r.code(), args + ": " + r.err());
            String out = r.out();
            assertTrue(out.contains("Usage: aiaas" + (path.isEmpty() ? "" : " " + String.join(" ", path))), out);
            int at = out.indexOf("\nExamples:\n");
            assertTrue(at >= 0, "no examples in the help of 'aiaas " + String.join(" ", path) + "':\n" + out);
            // one example per line, or continued with a backslash; none wider than the 80 columns picocli wraps at
            List<String> examples = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (String l : out.substring(at + 11).split("\n")) {
                assertTrue(l.length() < 80, "too wide, picocli would wrap it: " + l);
                if (!l.startsWith("  ")) {
                    continue;
                }
                line.append(l.strip());
                if (l.endsWith("\\")) {
                    line.setLength(line.length() - 1);
                } else {
                    examples.add(line.toString());
                    line.setLength(0);
                }
            }
            assertFalse(examples.isEmpty(), out);
            for (String example : examples) {
                String[] words = example.strip().replaceFirst("^[A-Z_]+=\\S+ ", "").split(" +");
                assertEquals("aiaas", words[0], example);
                // each example is a valid command line: known options, required ones given, values of the right type
                CommandLine fresh = AiaasCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
                fresh.parseArgs(Arrays.copyOfRange(words, 1, words.length));
            }
        }
    }

    @Test
    void oneSpellingPerOption() {
        Map<String, List<String>> names = new LinkedHashMap<>();
        List<String> hidden = new ArrayList<>();
        for (Map.Entry<List<String>, CommandLine> c : commands().entrySet()) {
            for (OptionSpec o : c.getValue().getCommandSpec().options()) {
                if (o.hidden()) {
                    hidden.addAll(Arrays.asList(o.names()));
                    continue;
                }
                for (String n : o.names()) {
                    names.computeIfAbsent(n, k -> new ArrayList<>()).add(String.join(" ", c.getKey()));
                }
                if (o.longestName().equals("--seed")) {
                    // one default for every command's seed
                    assertTrue(!o.required() && "42".equals(o.defaultValue()), c.getKey() + " --seed default " + o.defaultValue());
                }
            }
        }
        // the former spellings ('bench --csv' aside: --csv is train's and eval's input) are hidden aliases only
        for (String former : List.of("--arpa", "--batch")) {
            assertTrue(hidden.contains(former), former + " is no longer an alias: drop it here");
            assertFalse(names.containsKey(former), former + " is shown by " + names.get(former));
        }
        for (String cmd : List.of("train", "lm build", "lm train", "bench", "predict")) {
            assertTrue(names.get("--out").contains(cmd), "output files are --out in " + cmd + ": " + names.get("--out"));
        }
        for (String cmd : List.of("train", "eval", "lm train")) {
            assertTrue(names.get("--batch-size").contains(cmd), "--batch-size in " + cmd + ": " + names.get("--batch-size"));
        }
        assertEquals(List.of("quickstart", "train", "lm train", "lm sample", "vision augment", "vision render"), names.get("--seed"));
    }

    private static Path corpus(Path dir) throws Exception {
        return Files.writeString(dir.resolve("corpus.txt"), "the cat sat\nthe dog sat\nthe cat ran\na dog ran\n");
    }

    @Test
    void lmBuildWritesToOutAndStillTakesArpa(@TempDir Path dir) throws Exception {
        Path train = corpus(dir);
        Path out = dir.resolve("out.arpa");
        CliTest.Result r = CliTest.run("lm", "build", "--order", "2", "--smoothing", "wb", "--input", train.toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Path old = dir.resolve("old.arpa");
        r = CliTest.run("lm", "build", "--order", "2", "--smoothing", "wb", "--input", train.toString(), "--arpa", old.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err(), "the former spelling works silently");
        assertEquals(Files.readAllLines(out), Files.readAllLines(old));
        r = CliTest.run("lm", "build", "--order", "2", "--input", train.toString(), "--out", out.toString(), "--arpa", old.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--out and --arpa are two spellings of the same option"), r.err());
        r = CliTest.run("lm", "build", "--order", "2", "--input", train.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Missing required option: '--out=OUT'"), r.err());
        r = CliTest.run("lm", "build", "--order", "2", "--input", train.toString(), "--out", dir.resolve("no/x.arpa").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--out: folder not found"), r.err());
    }

    @Test
    void lmTrainTakesBatchSizeAndStillBatch(@TempDir Path dir) throws Exception {
        Path train = corpus(dir);
        String[] common = {"lm", "train", "--input", train.toString(), "--epochs", "1", "--embedding", "4", "--hidden", "4",
            "--seq-len", "4", "--overlap", "1", "--min-count", "1", "--seed", "1"};
        List<String> a = new ArrayList<>(List.of(common));
        a.addAll(List.of("--batch-size", "2", "--out", dir.resolve("a.aiaas").toString()));
        CliTest.Result r = CliTest.run(a.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("batchSize=2"), r.out());
        List<String> b = new ArrayList<>(List.of(common));
        b.addAll(List.of("--batch", "3", "--out", dir.resolve("b.aiaas").toString()));
        r = CliTest.run(b.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("batchSize=3"), r.out());
        List<String> both = new ArrayList<>(List.of(common));
        both.addAll(List.of("--batch", "3", "--batch-size", "2", "--out", dir.resolve("c.aiaas").toString()));
        r = CliTest.run(both.toArray(new String[0]));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--batch-size and --batch are two spellings"), r.err());
    }
}
