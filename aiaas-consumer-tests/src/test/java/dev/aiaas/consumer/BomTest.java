package dev.aiaas.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.maven.model.Dependency;
import org.apache.maven.model.Model;
import org.codehaus.plexus.util.xml.pull.XmlPullParserException;
import org.junit.jupiter.api.Test;

/**
 * What an application that imports {@code aiaas-bom} gets managed, computed by Maven's own model
 * builder (the code that makes a build's effective POM), offline: the BOM and aiaas-parent are
 * read from this checkout, any other POM from the local repository.
 */
class BomTest {

    private static final Path ROOT = Poms.ROOT;
    private static final String VERSION = Poms.VERSION;

    @Test
    void anApplicationImportingTheBomGetsOnlyTheAiaasArtifactsManaged() throws Exception {
        Model app = Poms.effectiveModel(resource("consumer/pom.xml"), new Properties(), new Properties());

        List<Dependency> managed = app.getDependencyManagement().getDependencies();
        Set<String> foreign = managed.stream().filter(d -> !d.getGroupId().equals("dev.aiaas"))
                .map(BomTest::coordinates).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), foreign, "importing aiaas-bom manages artifacts of other groups");
        assertEquals(publishedModules(), artifactIds(managed), "aiaas-bom manages exactly the published modules");
        for (Dependency d : managed) {
            assertEquals(VERSION, d.getVersion(), coordinates(d));
        }
        // the application's own dependencies got their versions from the BOM
        for (Dependency d : app.getDependencies()) {
            assertEquals(VERSION, d.getVersion(), coordinates(d));
        }
    }

    /** Why the BOM exists: importing the parent, as before, pins third-party versions in the user's build. */
    @Test
    void anApplicationImportingTheParentGetsThirdPartyVersionsManaged() throws Exception {
        Model app = Poms.effectiveModel(resource("parent-importer/pom.xml"), new Properties(), new Properties());
        Set<String> groups = app.getDependencyManagement().getDependencies().stream().map(Dependency::getGroupId)
                .collect(Collectors.toSet());
        assertTrue(groups.containsAll(List.of("org.nd4j", "org.junit.jupiter", "org.openjdk.jmh")), groups.toString());
    }

    /** The BOM has no parent and the reactor's version, and lists what the parent lists for the modules. */
    @Test
    void theBomStaysInStepWithTheParent() throws Exception {
        Model bom = Poms.raw(ROOT.resolve("aiaas-bom/pom.xml"));
        Model parent = Poms.raw(ROOT.resolve("pom.xml"));
        assertNull(bom.getParent(), "aiaas-bom must not inherit aiaas-parent's dependencyManagement");
        assertEquals(parent.getVersion(), bom.getVersion(), "aiaas-bom's version");
        assertEquals(VERSION, bom.getVersion());
        assertEquals(publishedModules(), artifactIds(bom.getDependencyManagement().getDependencies()));
        Set<String> parentsOwn = parent.getDependencyManagement().getDependencies().stream()
                .filter(d -> d.getGroupId().equals("dev.aiaas")).map(Dependency::getArtifactId)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(publishedModules(), parentsOwn, "aiaas-parent's dependencyManagement of the modules");
        // the metadata that a repository requires of every published POM, repeated from the parent
        assertEquals(parent.getUrl(), bom.getUrl());
        assertFalse(parent.getLicenses().isEmpty(), "the parent names the licence");
        assertEquals(licences(parent), licences(bom));
        assertEquals(parent.getScm().getConnection(), bom.getScm().getConnection());
        assertEquals(parent.getDevelopers().get(0).getEmail(), bom.getDevelopers().get(0).getEmail());
    }

    /** The reactor's modules that are published for applications: all but the BOM itself and this module. */
    private static Set<String> publishedModules() throws IOException, XmlPullParserException {
        Set<String> modules = new TreeSet<>(Poms.raw(ROOT.resolve("pom.xml")).getModules());
        modules.remove("aiaas-bom");
        modules.remove("aiaas-consumer-tests");
        assertTrue(modules.contains("aiaas-core"), modules.toString());
        return modules;
    }

    /** Each licence as {@code name <url>}, in order. */
    private static List<String> licences(Model pom) {
        return pom.getLicenses().stream().map(l -> l.getName() + " <" + l.getUrl() + ">").toList();
    }

    private static Set<String> artifactIds(List<Dependency> dependencies) {
        return dependencies.stream().map(Dependency::getArtifactId).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String coordinates(Dependency d) {
        return d.getGroupId() + ":" + d.getArtifactId() + ":" + d.getVersion();
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(BomTest.class.getClassLoader().getResource(name).toURI());
    }
}
