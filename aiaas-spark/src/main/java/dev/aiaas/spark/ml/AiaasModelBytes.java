package dev.aiaas.spark.ml;

import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An aiaas model file ({@link ModelIO}'s format) held as bytes, to broadcast and to save. */
final class AiaasModelBytes {

  private AiaasModelBytes() {}

  /** The model's file, as {@link ModelIO#save(Model, Path)} writes it. */
  static byte[] of(Model model) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("aiaas-spark-model");
      Path f = dir.resolve("model.aiaas");
      ModelIO.save(model, f);
      return Files.readAllBytes(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to a temporary file: " + e.getMessage(), e);
    } finally {
      delete(dir);
    }
  }

  /** The model in {@code bytes}; the caller owns and closes it. */
  static Model load(byte[] bytes) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("aiaas-spark-model");
      Path f = dir.resolve("model.aiaas");
      Files.write(f, bytes);
      return ModelIO.load(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model through a temporary file: " + e.getMessage(), e);
    } finally {
      delete(dir);
    }
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (var s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a temporary file left behind in the temporary folder
    }
  }
}
