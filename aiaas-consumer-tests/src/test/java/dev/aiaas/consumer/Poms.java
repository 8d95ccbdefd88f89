package dev.aiaas.consumer;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.maven.model.Dependency;
import org.apache.maven.model.Model;
import org.apache.maven.model.Parent;
import org.apache.maven.model.Repository;
import org.apache.maven.model.building.DefaultModelBuilderFactory;
import org.apache.maven.model.building.DefaultModelBuildingRequest;
import org.apache.maven.model.building.FileModelSource;
import org.apache.maven.model.building.ModelBuildingException;
import org.apache.maven.model.building.ModelBuildingRequest;
import org.apache.maven.model.building.ModelSource;
import org.apache.maven.model.io.xpp3.MavenXpp3Reader;
import org.apache.maven.model.resolution.ModelResolver;
import org.apache.maven.model.resolution.UnresolvableModelException;
import org.codehaus.plexus.util.xml.pull.XmlPullParserException;

/**
 * POMs as Maven reads them, offline: the effective model is computed by Maven's own model builder;
 * dev.aiaas POMs of the version being built come from this checkout (nothing is installed), any
 * other POM from the local repository.
 */
final class Poms {

    /** The checkout's root folder. */
    static final Path ROOT = Path.of(System.getProperty("aiaas.root", "..")).toAbsolutePath().normalize();
    /** The version being built. */
    static final String VERSION = System.getProperty("aiaas.version");
    private static final Path LOCAL_REPOSITORY = Path.of(System.getProperty("aiaas.localRepository",
            System.getProperty("user.home") + "/.m2/repository"));

    private Poms() {
    }

    /** The POM as written (no parent, no interpolation). */
    static Model raw(Path pom) throws IOException, XmlPullParserException {
        try (Reader r = Files.newBufferedReader(pom)) {
            return new MavenXpp3Reader().read(r);
        }
    }

    /**
     * The effective model of {@code pom}, as a build on a machine with these system properties
     * (over this JVM's: {@code os.name}, {@code os.arch}...) and these {@code -D} user properties
     * (besides {@code aiaas.version}) would see it.
     */
    static Model effectiveModel(Path pom, Properties systemOverrides, Properties userProperties)
            throws ModelBuildingException {
        DefaultModelBuildingRequest request = new DefaultModelBuildingRequest();
        request.setPomFile(pom.toFile());
        request.setValidationLevel(ModelBuildingRequest.VALIDATION_LEVEL_MINIMAL);
        request.setProcessPlugins(false);
        Properties system = new Properties();
        system.putAll(System.getProperties());
        system.putAll(systemOverrides);
        request.setSystemProperties(system);
        Properties user = new Properties();
        user.putAll(userProperties);
        user.setProperty("aiaas.version", VERSION);
        request.setUserProperties(user);
        request.setModelResolver(new CheckoutResolver());
        return new DefaultModelBuilderFactory().newInstance().build(request).getEffectiveModel();
    }

    /** Resolves dev.aiaas POMs from this checkout (nothing is installed) and others from the local repository. */
    private static final class CheckoutResolver implements ModelResolver {
        @Override
        public ModelSource resolveModel(String groupId, String artifactId, String version)
                throws UnresolvableModelException {
            File file;
            if (groupId.equals("dev.aiaas") && version.equals(VERSION)) {
                file = (artifactId.equals("aiaas-parent") ? ROOT.resolve("pom.xml")
                        : ROOT.resolve(artifactId).resolve("pom.xml")).toFile();
            } else {
                file = LOCAL_REPOSITORY.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version)
                        .resolve(artifactId + "-" + version + ".pom").toFile();
            }
            if (!file.isFile()) {
                throw new UnresolvableModelException("no POM at " + file + " (offline)", groupId, artifactId, version);
            }
            return new FileModelSource(file);
        }

        @Override
        public ModelSource resolveModel(Parent parent) throws UnresolvableModelException {
            return resolveModel(parent.getGroupId(), parent.getArtifactId(), parent.getVersion());
        }

        @Override
        public ModelSource resolveModel(Dependency dependency) throws UnresolvableModelException {
            return resolveModel(dependency.getGroupId(), dependency.getArtifactId(), dependency.getVersion());
        }

        @Override
        public void addRepository(Repository repository) {
        }

        @Override
        public void addRepository(Repository repository, boolean replace) {
        }

        @Override
        public ModelResolver newCopy() {
            return this;
        }
    }
}
