/**
 * Saving and loading models in aiaas's own versioned binary format (no Java serialisation):
 * {@link dev.aiaas.core.io.ModelIO}, which checks every size a file declares against the bytes it
 * holds and the limits of {@link dev.aiaas.core.io.ModelIO.LoadOptions} before allocating, so that
 * a corrupt or hostile file ends in a {@link dev.aiaas.core.io.ModelFormatException}. Layers are
 * read back by the {@link dev.aiaas.core.io.LayerDecoder} registered for their type name in a
 * {@link dev.aiaas.core.io.LayerRegistry}: the built-in ones, those found with
 * {@link java.util.ServiceLoader}, and those registered explicitly. Files are written atomically
 * by {@link dev.aiaas.core.io.AtomicFiles}, which also removes what killed writes left. Files that
 * come from outside are opened through {@link dev.aiaas.core.io.Inputs} (bounded, gzip-aware).
 */
package dev.aiaas.core.io;
