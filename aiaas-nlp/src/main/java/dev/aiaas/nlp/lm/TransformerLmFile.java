package dev.aiaas.nlp.lm;

import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Model;
import dev.aiaas.nlp.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The file of a {@link TransformerLanguageModel}, in the conventions of the LSTM's
 * ({@link LstmLmFile}): an aiaas model file ({@link ModelIO}) holding the network
 * ({@link TransformerLmTrainer#network}) with its trained parameters θ, and in its provenance
 * entries the rest of the model:
 *
 * <table>
 *   <caption>Provenance entries</caption>
 *   <tr><th>key</th><th>value</th></tr>
 *   <tr><td>{@code lm.kind}</td><td>{@value TransformerLanguageModel#KIND}</td></tr>
 *   <tr><td>{@code lm.layers}, {@code lm.heads}, {@code lm.dim}, {@code lm.context},
 *       {@code lm.ffn_multiplier}, {@code lm.min_count}, {@code lm.context_overlap},
 *       {@code lm.epochs}, {@code lm.batch_size}, {@code lm.learning_rate}, {@code lm.warmup},
 *       {@code lm.weight_decay}, {@code lm.clip_norm}, {@code lm.dropout}, {@code lm.seed},
 *       {@code lm.tie_embeddings}</td>
 *       <td>the {@link TransformerLmOptions}; a file without {@code lm.tie_embeddings} (written before
 *       it existed) reads as untied</td></tr>
 *   <tr><td>{@code lm.vocabulary}</td><td>the tokens after the reserved three, as in the LSTM's file</td></tr>
 * </table>
 *
 * Reading checks that the network is the float32 network the entries describe, layer by layer
 * through the layer contract (types, output shapes, parameter counts), and that a tied model's
 * output kernel is its word-vector table transposed, bit for bit. Every failure is a
 * {@link ModelFormatException} naming the file and what is wrong.
 */
final class TransformerLmFile {

  private TransformerLmFile() {}

  /**
   * Writes the model as described above.
   *
   * @param lm the model
   * @param file the destination, replaced atomically
   * @throws IOException when it cannot be written
   */
  static void save(TransformerLanguageModel lm, Path file) throws IOException {
    TransformerLmOptions o = lm.options();
    Map<String, String> p = new LinkedHashMap<>();
    p.put("lm.kind", TransformerLanguageModel.KIND);
    p.put("lm.layers", Integer.toString(o.layers()));
    p.put("lm.heads", Integer.toString(o.heads()));
    p.put("lm.dim", Integer.toString(o.dim()));
    p.put("lm.context", Integer.toString(o.context()));
    p.put("lm.ffn_multiplier", Integer.toString(o.ffnMultiplier()));
    p.put("lm.min_count", Long.toString(o.minCount()));
    p.put("lm.context_overlap", Integer.toString(o.contextOverlap()));
    p.put("lm.epochs", Integer.toString(o.epochs()));
    p.put("lm.batch_size", Integer.toString(o.batchSize()));
    p.put("lm.learning_rate", Double.toString(o.learningRate()));
    p.put("lm.warmup", Double.toString(o.warmup()));
    p.put("lm.weight_decay", Double.toString(o.weightDecay()));
    p.put("lm.clip_norm", Double.toString(o.clipNorm()));
    p.put("lm.dropout", Double.toString(o.dropout()));
    p.put("lm.seed", Long.toString(o.seed()));
    p.put("lm.tie_embeddings", Boolean.toString(o.tieEmbeddings()));
    p.put("lm.vocabulary", LstmLmFile.encodeVocabulary(lm.vocabulary()));
    try (Model network = TransformerLmTrainer.network(lm.vocabulary().size(), o);
        INDArray values = Nd4j.createFromArray(lm.theta())) {
      network.parameters().assign(values);
      ModelIO.save(network, file, p);
    }
  }

  /**
   * Reads a model written by {@link #save}.
   *
   * @param file the file
   * @param limits the limits of the load
   * @return the model, scoring exactly as the saved one did
   * @throws java.nio.file.NoSuchFileException when the file does not exist
   * @throws ModelFormatException when it is not an aiaas model file, or one of another kind of
   *     model, or its entries are malformed or disagree with its network
   * @throws IOException on another read failure
   */
  static TransformerLanguageModel load(Path file, ModelIO.LoadOptions limits) throws IOException {
    Map<String, String> p = ModelIO.provenance(file, limits);
    if (!TransformerLanguageModel.KIND.equals(p.get("lm.kind"))) {
      throw new ModelFormatException(file, "is an aiaas model file but not a transformer language model (its"
          + " provenance has lm.kind=" + LstmLmFile.brief(p.get("lm.kind")) + ", expected " + TransformerLanguageModel.KIND
          + "); write one with TransformerLanguageModel.save or 'aiaas lm train --model transformer'");
    }
    TransformerLmOptions o;
    Vocabulary vocabulary;
    try {
      o = new TransformerLmOptions(
          Integer.parseInt(LstmLmFile.need(p, "lm.layers", file)),
          Integer.parseInt(LstmLmFile.need(p, "lm.heads", file)),
          Integer.parseInt(LstmLmFile.need(p, "lm.dim", file)),
          Integer.parseInt(LstmLmFile.need(p, "lm.context", file)),
          Integer.parseInt(LstmLmFile.need(p, "lm.ffn_multiplier", file)),
          Long.parseLong(LstmLmFile.need(p, "lm.min_count", file)),
          Integer.parseInt(LstmLmFile.need(p, "lm.context_overlap", file)),
          Integer.parseInt(LstmLmFile.need(p, "lm.epochs", file)),
          Integer.parseInt(LstmLmFile.need(p, "lm.batch_size", file)),
          Double.parseDouble(LstmLmFile.need(p, "lm.learning_rate", file)),
          Double.parseDouble(LstmLmFile.need(p, "lm.warmup", file)),
          Double.parseDouble(LstmLmFile.need(p, "lm.weight_decay", file)),
          Double.parseDouble(LstmLmFile.need(p, "lm.clip_norm", file)),
          Double.parseDouble(LstmLmFile.need(p, "lm.dropout", file)),
          Long.parseLong(LstmLmFile.need(p, "lm.seed", file)),
          tied(p.get("lm.tie_embeddings")));
      vocabulary = LstmLmFile.decodeVocabulary(LstmLmFile.need(p, "lm.vocabulary", file));
    } catch (IllegalArgumentException e) { // NumberFormatException included
      throw new ModelFormatException(file, "has inconsistent language-model entries: " + LstmLmFile.brief(e.getMessage()), e);
    }
    // the scorer keeps [D][V] and [V][D] float64 tables: one row each must fit an array
    long largest = Math.max((long) o.dim() * o.context(), Math.max((long) vocabulary.size(), (long) o.ffnWidth()));
    if (largest > Integer.MAX_VALUE - 8) {
      throw new ModelFormatException(file, "its sizes (V=" + vocabulary.size() + ", D=" + o.dim() + ", T=" + o.context()
          + ") exceed what this scorer holds in one array; it cannot load it");
    }
    try (Model network = ModelIO.load(file, limits)) {
      var expected = TransformerLmTrainer.layers(vocabulary.size(), o);
      if (!LstmLmFile.sameShape(LstmLmFile.withoutDropout(network.layers()), LstmLmFile.withoutDropout(expected),
              network.inputShape())
          || network.inputShape().length != 1 || network.inputShape()[0] != o.context()
          || network.dataType() != DataType.FLOAT) {
        throw new ModelFormatException(file, "holds the network " + LstmLmFile.brief(String.valueOf(network.layers()))
            + " (" + network.dataType() + "), not the float32 transformer of " + o.layers() + " blocks, D=" + o.dim()
            + ", H=" + o.heads() + ", T=" + o.context() + ", V=" + vocabulary.size() + " its entries describe");
      }
      float[] theta = network.parameters().data().asFloat();
      if (o.tieEmbeddings() && !TransformerLmTrainer.TiedTables.tied(theta, vocabulary.size(), o.dim())) {
        throw new ModelFormatException(file, "has lm.tie_embeddings=true but its output kernel is not its word-vector"
            + " table transposed; the file was altered or written by other code: train it again");
      }
      try {
        return TransformerLanguageModel.fromOwnedParameters(vocabulary, o, theta);
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(file, "its network does not fit its language-model entries: "
            + LstmLmFile.brief(e.getMessage()), e);
      }
    }
  }

  /** {@code lm.tie_embeddings}: absent (older files) is false; otherwise exactly true or false. */
  private static boolean tied(String value) {
    if (value == null) {
      return false;
    }
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("lm.tie_embeddings must be true or false. Received: "
          + LstmLmFile.brief(value));
    };
  }
}
