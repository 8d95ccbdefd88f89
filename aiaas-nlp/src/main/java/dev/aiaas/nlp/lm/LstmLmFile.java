package dev.aiaas.nlp.lm;

import dev.aiaas.core.io.ModelFormatException;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.nlp.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The file of an {@link LstmLanguageModel}: an aiaas model file ({@link ModelIO}) holding the
 * network ({@link LstmLmTrainer#network}) with its trained parameters θ, and in its provenance
 * entries the rest of the model:
 *
 * <table>
 *   <caption>Provenance entries</caption>
 *   <tr><th>key</th><th>value</th></tr>
 *   <tr><td>{@code lm.kind}</td><td>{@value LstmLanguageModel#KIND}</td></tr>
 *   <tr><td>{@code lm.embedding_size}, {@code lm.hidden_size}, {@code lm.min_count},
 *       {@code lm.sequence_length}, {@code lm.context_overlap}, {@code lm.epochs},
 *       {@code lm.batch_size}, {@code lm.learning_rate}, {@code lm.clip_norm}, {@code lm.seed},
 *       {@code lm.dropout}</td><td>the {@link LstmLmOptions} ({@code lm.dropout} absent in files
 *       written before it existed: 0)</td></tr>
 *   <tr><td>{@code lm.vocabulary}</td><td>the tokens after the reserved three, in id order,
 *       separated by spaces, with {@code \} and space escaped as {@code \\} and {@code \s}</td></tr>
 * </table>
 *
 * Reading checks that the network is the float32 embedding, LSTM and time-distributed dense
 * output (ignoring parameterless dropout layers) that the entries describe. The n-gram
 * counterpart is {@link Arpa}; {@link LstmLanguageModel#save} and {@link LstmLanguageModel#load}
 * are the public entry points.
 */
final class LstmLmFile {

  private LstmLmFile() {}

  /**
   * Writes the model as described above.
   *
   * @param lm the model
   * @param file the destination, replaced atomically
   * @throws IOException when it cannot be written
   */
  static void save(LstmLanguageModel lm, Path file) throws IOException {
    LstmLmOptions options = lm.options();
    Map<String, String> p = new LinkedHashMap<>();
    p.put("lm.kind", LstmLanguageModel.KIND);
    p.put("lm.embedding_size", Integer.toString(options.embeddingSize()));
    p.put("lm.hidden_size", Integer.toString(options.hiddenSize()));
    p.put("lm.min_count", Long.toString(options.minCount()));
    p.put("lm.sequence_length", Integer.toString(options.sequenceLength()));
    p.put("lm.context_overlap", Integer.toString(options.contextOverlap()));
    p.put("lm.epochs", Integer.toString(options.epochs()));
    p.put("lm.batch_size", Integer.toString(options.batchSize()));
    p.put("lm.learning_rate", Double.toString(options.learningRate()));
    p.put("lm.clip_norm", Double.toString(options.clipNorm()));
    p.put("lm.seed", Long.toString(options.seed()));
    p.put("lm.dropout", Double.toString(options.dropout()));
    p.put("lm.vocabulary", encodeVocabulary(lm.vocabulary()));
    try (Model network = LstmLmTrainer.network(lm.vocabulary().size(), options);
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
   *     model, or its entries disagree with its network
   * @throws IOException on another read failure
   */
  static LstmLanguageModel load(Path file, ModelIO.LoadOptions limits) throws IOException {
    Map<String, String> p = ModelIO.provenance(file, limits);
    if (!LstmLanguageModel.KIND.equals(p.get("lm.kind"))) {
      throw new ModelFormatException(file, "is an aiaas model file but not an LSTM language model (its"
          + " provenance has lm.kind=" + brief(p.get("lm.kind")) + ", expected " + LstmLanguageModel.KIND
          + "); write one with LstmLanguageModel.save or 'aiaas lm train'");
    }
    LstmLmOptions options;
    Vocabulary vocabulary;
    try {
      options = new LstmLmOptions(
          Integer.parseInt(need(p, "lm.embedding_size", file)),
          Integer.parseInt(need(p, "lm.hidden_size", file)),
          Long.parseLong(need(p, "lm.min_count", file)),
          Integer.parseInt(need(p, "lm.sequence_length", file)),
          Integer.parseInt(need(p, "lm.context_overlap", file)),
          Integer.parseInt(need(p, "lm.epochs", file)),
          Integer.parseInt(need(p, "lm.batch_size", file)),
          Double.parseDouble(need(p, "lm.learning_rate", file)),
          Double.parseDouble(need(p, "lm.clip_norm", file)),
          Long.parseLong(need(p, "lm.seed", file)),
          Double.parseDouble(p.getOrDefault("lm.dropout", "0.0"))); // absent in files written before it existed
      vocabulary = decodeVocabulary(need(p, "lm.vocabulary", file));
    } catch (IllegalArgumentException e) { // NumberFormatException included
      throw new ModelFormatException(file, "has inconsistent language-model entries: " + brief(e.getMessage()), e);
    }
    try (Model network = ModelIO.load(file, limits)) {
      List<Layer> expected = List.of(
          Layers.embedding(vocabulary.size(), options.embeddingSize()),
          Layers.lstm(options.hiddenSize()),
          Layers.timeDistributed(Layers.dense(vocabulary.size())));
      if (!sameShape(withoutDropout(network.layers()), expected, network.inputShape()) || network.dataType() != DataType.FLOAT) {
        throw new ModelFormatException(file, "holds the network " + brief(String.valueOf(network.layers())) + " (" + network.dataType()
            + "), not the float32 embedding(" + vocabulary.size() + ", " + options.embeddingSize() + "), lstm("
            + options.hiddenSize() + "), time_distributed(dense(" + vocabulary.size() + ")) its entries describe");
      }
      // the scorer precomputes the input projection, 4H values per token, in one heap array
      long projection = 4L * options.hiddenSize() * vocabulary.size();
      if (projection > Integer.MAX_VALUE - 8) {
        throw new ModelFormatException(file, "its vocabulary of " + vocabulary.size() + " tokens and hidden size "
            + options.hiddenSize() + " need an input projection of " + projection + " values, more than the "
            + (Integer.MAX_VALUE - 8) + " one array holds; this scorer cannot load it");
      }
      try {
        return LstmLanguageModel.fromOwnedParameters(vocabulary, options, network.parameters().data().asFloat());
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(file, "its network does not fit its language-model entries: " + brief(e.getMessage()), e);
      }
    }
  }

  /** The layers but the time-distributed dropout ones, which have no parameters and act only in training. */
  static List<Layer> withoutDropout(List<Layer> layers) {
    List<Layer> out = new ArrayList<>();
    for (Layer l : layers) {
      boolean dropout = l.type().equals("time_distributed")
          && l.children().values().stream().allMatch(c -> c.type().equals("dropout"));
      if (!dropout) {
        out.add(l);
      }
    }
    return out;
  }

  /**
   * Whether {@code actual} has the layout of {@code expected}, the layout the scorer reads θ by:
   * layer by layer (children included) the same type and activation, and the same output shape
   * and parameter count for the network's input shape. Asked through the layer contract, not by
   * the layers' classes.
   */
  static boolean sameShape(List<Layer> actual, List<Layer> expected, long[] inputShape) {
    if (actual.size() != expected.size()) {
      return false;
    }
    long[] shape = inputShape;
    for (int i = 0; i < expected.size(); i++) {
      Layer a = actual.get(i);
      Layer e = expected.get(i);
      try {
        if (!sameKind(a, e) || a.parameterCount(shape) != e.parameterCount(shape)
            || !Arrays.equals(a.outputShape(shape), e.outputShape(shape))) {
          return false;
        }
      } catch (IllegalArgumentException | ArithmeticException notThisShape) { // an overflowing count included
        return false;
      }
      shape = e.outputShape(shape);
    }
    return true;
  }

  /** Same type and activation setting, and children of the same kinds in the same order. */
  static boolean sameKind(Layer a, Layer e) {
    if (!a.type().equals(e.type()) || !Objects.equals(a.config().get("activation"), e.config().get("activation"))) {
      return false;
    }
    List<Layer> ac = List.copyOf(a.children().values());
    List<Layer> ec = List.copyOf(e.children().values());
    if (ac.size() != ec.size()) {
      return false;
    }
    for (int i = 0; i < ec.size(); i++) {
      if (!sameKind(ac.get(i), ec.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** A message of bounded length: a vocabulary's own messages may quote a whole token. */
  static String brief(String message) {
    return message == null || message.length() <= 300 ? message
        : message.substring(0, 300) + "... (" + message.length() + " characters)";
  }

  static String need(Map<String, String> p, String key, Path file) throws ModelFormatException {
    String v = p.get(key);
    if (v == null) {
      throw new ModelFormatException(file, "has no provenance entry '" + key + "' (written by another program?)");
    }
    return v;
  }

  /** Tokens after the reserved three, separated by spaces; '\' and ' ' escaped as "\\" and "\s". */
  static String encodeVocabulary(Vocabulary v) {
    StringBuilder sb = new StringBuilder();
    for (int id = 3; id < v.size(); id++) {
      if (id > 3) {
        sb.append(' ');
      }
      String t = v.token(id);
      for (int i = 0; i < t.length(); i++) {
        char c = t.charAt(i);
        if (c == '\\') {
          sb.append("\\\\");
        } else if (c == ' ') {
          sb.append("\\s");
        } else {
          sb.append(c);
        }
      }
    }
    return sb.toString();
  }

  /** The inverse of {@link #encodeVocabulary}. */
  static Vocabulary decodeVocabulary(String s) {
    List<String> tokens = new ArrayList<>();
    if (!s.isEmpty()) {
      for (String raw : s.split(" ", -1)) {
        StringBuilder t = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
          char c = raw.charAt(i);
          if (c == '\\' && i + 1 < raw.length()) {
            char n = raw.charAt(++i);
            t.append(n == 's' ? ' ' : n);
          } else {
            t.append(c);
          }
        }
        tokens.add(t.toString());
      }
    }
    return Vocabulary.of(tokens);
  }
}
