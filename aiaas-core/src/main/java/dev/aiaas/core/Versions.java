package dev.aiaas.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** This library's version and the ND4J version it was built against, from the build. */
public final class Versions {
    private static final Properties PROPS = load();

    private Versions() {
    }

    /** {@return the aiaas version, for example {@code 0.1.0-SNAPSHOT}} */
    public static String aiaas() {
        return PROPS.getProperty("aiaas.version", "unknown");
    }

    /** {@return the ND4J version aiaas was built against, for example {@code 1.0.0-M2.1}} */
    public static String nd4j() {
        return PROPS.getProperty("nd4j.version", "unknown");
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("/dev/aiaas/core/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read aiaas's version.properties from its jar", e);
        }
        return p;
    }
}
