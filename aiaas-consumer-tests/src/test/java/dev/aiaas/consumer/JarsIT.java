package dev.aiaas.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What each published jar carries, read from the jars that this 'mvn verify' built (this module
 * is the reactor's last, so the others are packaged and verified by now): a module name, the
 * licence and notice, a sources jar and a Javadoc jar; and the demo data in aiaas-datasets only.
 */
class JarsIT {

    private static final Path ROOT = Path.of(System.getProperty("aiaas.root", "..")).toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("aiaas.version");

    @ParameterizedTest
    @ValueSource(strings = {"aiaas-datasets", "aiaas-core", "aiaas-nlp", "aiaas-vision", "aiaas-onnx", "aiaas-bench", "aiaas-serving", "aiaas-cli", "aiaas-spark"})
    void eachJarHasItsModuleNameLicenceNoticeSourcesAndJavadoc(String module) throws IOException {
        try (JarFile jar = new JarFile(artifact(module, "").toFile())) {
            assertEquals("dev.aiaas." + module.substring("aiaas-".length()),
                    jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"), module);
            assertEquals(VERSION, jar.getManifest().getMainAttributes().getValue("Implementation-Version"), module);
            assertTrue(text(jar, "META-INF/LICENSE").contains("Apache License"), module);
            assertTrue(text(jar, "META-INF/NOTICE").contains("Copyright 2026 The aiaas authors"), module);
        }
        try (JarFile sources = new JarFile(artifact(module, "-sources").toFile())) {
            assertTrue(sources.stream().anyMatch(e -> e.getName().endsWith(".java")), module + " sources");
        }
        try (JarFile javadoc = new JarFile(artifact(module, "-javadoc").toFile())) {
            assertNotNull(javadoc.getEntry("index.html"), module + " javadoc");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aiaas-core", "aiaas-nlp"})
    void theLibraryJarsCarryNoDemoData(String module) throws IOException {
        try (JarFile jar = new JarFile(artifact(module, "").toFile())) {
            List<String> data = jar.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".gz") || n.endsWith(".csv")).toList();
            assertEquals(List.of(), data, module);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev/aiaas/datasets/fashion-mnist/train-images-idx3-ubyte.gz",
            "dev/aiaas/datasets/fashion-mnist/LICENSE", "dev/aiaas/datasets/moby-dick/moby-train.txt.gz",
            "dev/aiaas/datasets/iris/iris.csv", "dev/aiaas/datasets/iris/README.md"})
    void aiaasDatasetsCarriesTheDataAndItsLicence(String entry) throws IOException {
        try (JarFile jar = new JarFile(artifact("aiaas-datasets", "").toFile())) {
            assertNotNull(jar.getEntry(entry), entry);
            assertTrue(text(jar, "META-INF/NOTICE").contains("Zalando SE"));
            assertTrue(text(jar, "META-INF/NOTICE").contains("Moby-Dick"));
            assertTrue(text(jar, "META-INF/NOTICE").contains("Fisher's Iris data"));
        }
    }

    private static Path artifact(String module, String classifier) {
        Path jar = ROOT.resolve(module).resolve("target").resolve(module + "-" + VERSION + classifier + ".jar");
        assertTrue(Files.isRegularFile(jar), jar + " was not built");
        return jar;
    }

    private static String text(JarFile jar, String name) throws IOException {
        ZipEntry e = jar.getEntry(name);
        assertNotNull(e, jar.getName() + " has no " + name);
        try (InputStream in = jar.getInputStream(e)) {
            String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertFalse(s.isBlank(), name);
            return s;
        }
    }
}
