/**
 * Saving and loading models in aiaas's own versioned binary format (no Java serialisation):
 * {@link dev.aiaas.core.io.ModelIO}.
 */
package dev.aiaas.core.io;
