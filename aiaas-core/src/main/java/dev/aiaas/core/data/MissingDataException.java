package dev.aiaas.core.data;

import java.io.IOException;
import java.util.Objects;

/**
 * Embedded demo data was asked for, but the artifact that carries it is not on the class path.
 * The demo data (the Fashion-MNIST subset of {@link FashionMnist#embedded()}, the Moby-Dick
 * corpus) ships in {@code dev.aiaas:aiaas-datasets}, not in the library jars; the message names
 * the missing file, the artifact to add and what else to do.
 */
public final class MissingDataException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The class-path name that was not found. */
    private final String resource;
    /** The artifact that carries it, {@code groupId:artifactId}. */
    private final String artifact;

    /**
     * Says that {@code what} is missing from the class path and which artifact carries it.
     *
     * @param what        the data, as a user would name it ({@code "the embedded Fashion-MNIST subset"})
     * @param resource    the class-path name that was not found
     * @param artifact    the Maven coordinates {@code groupId:artifactId} of the artifact that carries it
     * @param alternative what else the user can do, starting with "or" (a sentence fragment)
     */
    public MissingDataException(String what, String resource, String artifact, String alternative) {
        super(what + " is not on the class path (no '" + Objects.requireNonNull(resource, "resource")
                + "'): it ships in the artifact " + Objects.requireNonNull(artifact, "artifact")
                + ", which the application does not depend on. Fix: add the dependency " + artifact
                + " (the same version as aiaas-core; aiaas-bom manages it), " + alternative);
        this.resource = resource;
        this.artifact = artifact;
    }

    /**
     * The class-path name that was not found.
     *
     * @return a name such as {@code dev/aiaas/datasets/fashion-mnist/train-images-idx3-ubyte.gz}
     */
    public String resource() {
        return resource;
    }

    /**
     * The artifact to add.
     *
     * @return Maven coordinates without a version, {@code groupId:artifactId}
     */
    public String artifact() {
        return artifact;
    }
}
