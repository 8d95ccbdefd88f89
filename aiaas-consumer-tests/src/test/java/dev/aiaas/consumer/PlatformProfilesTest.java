package dev.aiaas.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Properties;
import org.apache.maven.model.Dependency;
import org.apache.maven.model.Model;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The native classifiers that aiaas-core's POM asks for on each platform (docs/platforms.md), as
 * Maven computes them from the os.name and os.arch that a JVM reports there. Only Linux x86-64
 * is run here; this checks the configuration of the others, not that they run.
 */
class PlatformProfilesTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "Linux,      amd64,   linux-x86_64-onednn, linux-x86_64",
        "Linux,      aarch64, linux-arm64,    linux-arm64",
        "Mac OS X,   x86_64,  macosx-x86_64,  macosx-x86_64",
        "Mac OS X,   aarch64, macosx-arm64,   macosx-arm64",
        "Windows 11, amd64,   windows-x86_64, windows-x86_64",
    })
    void eachPlatformGetsItsOwnNatives(String osName, String osArch, String nd4jClassifier, String platform)
            throws Exception {
        Properties machine = new Properties();
        machine.setProperty("os.name", osName);
        machine.setProperty("os.arch", osArch);
        Model core = Poms.effectiveModel(Poms.ROOT.resolve("aiaas-core/pom.xml"), machine, new Properties());
        assertEquals(nd4jClassifier, classifierOf(core.getDependencies(), "org.nd4j", "nd4j-native"));
        List<Dependency> managed = core.getDependencyManagement().getDependencies();
        assertEquals(platform, classifierOf(managed, "org.bytedeco", "openblas"));
        assertEquals(platform, classifierOf(managed, "org.bytedeco", "javacpp"));
    }

    /** -Daiaas.native on the command line wins over the profile. */
    @ParameterizedTest
    @CsvSource({"Linux, amd64, linux-x86_64-avx2", "Mac OS X, x86_64, macosx-x86_64-avx512"})
    void theCommandLineChoosesAFasterBuild(String osName, String osArch, String classifier) throws Exception {
        Properties machine = new Properties();
        machine.setProperty("os.name", osName);
        machine.setProperty("os.arch", osArch);
        Properties commandLine = new Properties();
        commandLine.setProperty("aiaas.native", classifier);
        Model core = Poms.effectiveModel(Poms.ROOT.resolve("aiaas-core/pom.xml"), machine, commandLine);
        assertEquals(classifier, classifierOf(core.getDependencies(), "org.nd4j", "nd4j-native"));
    }

    /** The classifier of the one dependency of that name that has one. */
    private static String classifierOf(List<Dependency> dependencies, String groupId, String artifactId) {
        List<String> classifiers = dependencies.stream()
                .filter(d -> d.getGroupId().equals(groupId) && d.getArtifactId().equals(artifactId))
                .map(Dependency::getClassifier).filter(c -> c != null && !c.isEmpty()).toList();
        assertEquals(1, classifiers.size(), groupId + ":" + artifactId + " " + classifiers);
        return classifiers.get(0);
    }
}
