package dev.aiaas.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent misuse of one {@link Model} cannot take the JVM down: {@link ModelMisuseChild} runs
 * in a JVM of its own (a native crash there would have killed the test JVM; before the model
 * detected sharing, this misuse crashed in OpenBLAS or glibc, or hung), with 16 threads
 * predicting at mixed batch sizes, predictions during a fit, and a close under running calls.
 * The child must exit normally, having seen only right results and the model's
 * {@link IllegalStateException} (and at least one of those, so that the threads did meet).
 */
class ModelMisuseForkedTest {

    @Test
    void sixteenThreadsMisusingOneModelGetRightResultsOrAClearErrorAndTheJvmLives(@TempDir Path dir)
            throws IOException, InterruptedException {
        Path log = dir.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx512m", "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"), "-XX:-CreateCoredumpOnCrash",
                "-cp", System.getProperty("java.class.path"), ModelMisuseChild.class.getName(), "400");
        Process child = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!child.waitFor(5, TimeUnit.MINUTES)) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            fail("the child hung; its output:\n" + tail(log));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), "the child's exit (134 or 139: a native crash); its output:\n" + tail(log));
        Matcher m = Pattern.compile("MISUSE-RESULT correct=(\\d+) refused=(\\d+) wrong=(\\d+) unexpected=(\\d+)").matcher(out);
        assertTrue(m.find(), "no result line; the output:\n" + tail(log));
        assertEquals(0, Integer.parseInt(m.group(3)), "wrong results");
        assertEquals(0, Integer.parseInt(m.group(4)), "other throwables");
        assertTrue(Integer.parseInt(m.group(1)) > 0 && Integer.parseInt(m.group(2)) > 0, "both right results and refusals: " + m.group());
        assertTrue(dir.toFile().list((d, name) -> name.startsWith("hs_err")).length == 0, "no crash report in " + dir + File.separator);
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(none)";
        }
        String s = Files.readString(log, StandardCharsets.UTF_8);
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }
}
