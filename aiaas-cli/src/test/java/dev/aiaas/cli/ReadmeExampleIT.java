package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first {@code java} block compiles and runs as it stands, in an application whose
 * class path is aiaas's runtime class path.
 */
class ReadmeExampleIT {

    @Test
    void firstJavaBlockOfTheReadmeCompilesAndRuns(@TempDir Path dir) throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("aiaas.readme", "../README.md")), StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(block.find(), "README.md has no ```java block");
        String source = block.group(1);
        Matcher cls = Pattern.compile("public (?:final )?class (\\w+)").matcher(source);
        assertTrue(cls.find(), "the README's java block declares no public class");
        Path file = dir.resolve(cls.group(1) + ".java");
        Files.writeString(file, source, StandardCharsets.UTF_8);

        String cp = Files.readString(Path.of(System.getProperty("aiaas.example.classpath", "target/example-classpath.txt"))).strip();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "tests need a JDK, not a JRE");
        int compiled = javac.run(null, null, null, "-d", dir.toString(), "-cp", cp, file.toString());
        assertEquals(0, compiled, "the README's example does not compile");

        Path log = dir.resolve("out.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", dir + File.pathSeparator + cp, cls.group(1))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the README's example did not finish");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        Matcher trained = Pattern.compile("(?m)^test accuracy (0\\.\\d{4})$").matcher(out);
        assertTrue(trained.find(), out);
        assertTrue(Double.parseDouble(trained.group(1)) > 0.75, out);
        assertTrue(out.contains("loaded model: test accuracy " + trained.group(1)), "the loaded model scores as the saved one:\n" + out);
        // run without --add-modules jdk.incubator.vector: the predictor says it runs on BLAS and how to enable its kernel
        assertTrue(Pattern.compile("(?m)^first test image: class \\d, labelled \\d \\(predictor: copy of the model \\(ND4J/BLAS\\): "
                + "the Vector API is not enabled: add --add-modules jdk.incubator.vector to the java command\\)$").matcher(out).find(), out);
        for (String expected : List.of("backend:", "total parameters: 101,770", "perplexity 243.4205 (199.8942 excluding the 842 OOVs)")) {
            assertTrue(out.contains(expected), "expected '" + expected + "' in the example's output:\n" + out);
        }
    }
}
