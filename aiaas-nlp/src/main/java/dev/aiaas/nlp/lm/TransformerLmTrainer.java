package dev.aiaas.nlp.lm;

import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.optim.Schedules;
import dev.aiaas.core.train.Callback;
import dev.aiaas.core.train.Trainer;
import dev.aiaas.nlp.text.Vocabulary;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Training of {@link TransformerLanguageModel}: options and sentences in, a trained model out.
 * Builds the vocabulary (words seen at least {@code minCount} times, the LSTM's rule), cuts the
 * sentences into rows as the LSTM's trainer does ({@link LstmLmTrainer.Rows}), builds the network
 * ({@link #network}) and fits it with aiaas-core's {@link Trainer}
 * ({@code Losses.sequenceSparseSoftmaxCrossEntropy()}, AdamW, a warm-up and cosine schedule,
 * optional clipping by global norm). The model then takes the network's parameters θ; the network
 * itself is closed. Only the training sentences (and, when given, the validation sentences for
 * the history's {@code val_loss}) are read; nothing is chosen by the validation loss.
 */
final class TransformerLmTrainer {

  private TransformerLmTrainer() {}

  /**
   * Trains a model, validating it after each epoch on other sentences when given.
   *
   * @param sentences the training sentences, without {@code <s>} and {@code </s>}
   * @param options size and training settings
   * @param validation sentences to report {@code val_loss} on, or null for none
   * @param callbacks run by the trainer
   * @return the model and the trainer's history
   * @throws IllegalArgumentException when the corpus has no token or the validation corpus no
   *     sentence
   */
  static TransformerLanguageModel.Trained train(
      Iterable<? extends List<String>> sentences,
      TransformerLmOptions options,
      Iterable<? extends List<String>> validation,
      Callback... callbacks) {
    Vocabulary vocabulary = LstmLmTrainer.vocabulary(sentences, options.minCount());
    int t = options.context();
    int k = options.contextOverlap();
    LstmLmTrainer.Rows rows = LstmLmTrainer.Rows.of(LstmLmTrainer.encode(sentences, vocabulary), t, k);
    LstmLmTrainer.Rows val =
        validation == null ? null : LstmLmTrainer.Rows.of(LstmLmTrainer.encode(validation, vocabulary), t, k);
    long stepsPerEpoch = (rows.count + options.batchSize() - 1) / options.batchSize();
    long total = Math.max(2, stepsPerEpoch * options.epochs());
    long warm = Math.max(1, Math.min(total - 1, Math.round(options.warmup() * total)));
    Trainer.Builder trainer =
        Trainer.builder(Losses.sequenceSparseSoftmaxCrossEntropy())
            .optimizer(options.weightDecay() > 0
                ? Optimizers.adamW(options.learningRate(), options.weightDecay())
                : Optimizers.adam(options.learningRate()))
            .schedule(Schedules.cosine(warm, total, TransformerLmOptions.MIN_LR_FACTOR))
            .epochs(options.epochs())
            .batchSize(options.batchSize())
            .seed(options.seed())
            .callbacks(callbacks);
    if (options.clipNorm() > 0) {
      trainer.clipNorm(options.clipNorm());
    }
    try (Model network = network(vocabulary.size(), options)) {
      LstmLmTrainer.Fitted f = LstmLmTrainer.fit(network, rows, val, trainer);
      return new TransformerLanguageModel.Trained(
          TransformerLanguageModel.fromOwnedParameters(vocabulary, options, f.theta()), f.history());
    }
  }

  /**
   * The network for a vocabulary of {@code v} ids, over rows of T = {@code context} positions:
   *
   * <pre>
   * embedding(V, D), positionEmbedding(T), [timeDistributed(dropout(p))],
   * N × Layers.transformerBlock(D, H, F, p, causal),
   * timeDistributed(layerNorm()), timeDistributed(dense(V))
   * </pre>
   *
   * The dropout after the embeddings is there only when p &gt; 0 (it has no parameters, so θ's
   * layout does not depend on it). Its parameters θ are what {@link TransformerLanguageModel}
   * scores with and what its file stores.
   *
   * @param v the vocabulary size V
   * @param o the options
   * @return a new network; the caller closes it
   */
  static Model network(int v, TransformerLmOptions o) {
    return network(v, o, DataType.FLOAT);
  }

  /** {@link #network(int, TransformerLmOptions)} in another data type (float64 for the tests' reference). */
  static Model network(int v, TransformerLmOptions o, DataType type) {
    Model.Builder b = Model.builder(o.context());
    layers(v, o).forEach(b::add);
    return b.seed(o.seed()).dataType(type).build();
  }

  /** The layers of {@link #network}, in order. */
  static List<Layer> layers(int v, TransformerLmOptions o) {
    List<Layer> b = new ArrayList<>();
    b.add(Layers.embedding(v, o.dim()));
    b.add(Layers.positionEmbedding(o.context()));
    if (o.dropout() > 0) {
      b.add(Layers.timeDistributed(Layers.dropout(o.dropout())));
    }
    for (int i = 0; i < o.layers(); i++) {
      b.addAll(Layers.transformerBlock(o.dim(), o.heads(), o.ffnWidth(), o.dropout(), true));
    }
    b.add(Layers.timeDistributed(Layers.layerNorm()));
    b.add(Layers.timeDistributed(Layers.dense(v)));
    return b;
  }

  /**
   * P = V·D + T·D + N(12D² + ... ) + 2D + D·V + V: the network's parameter count, block by block
   * (2D + 4D² + 4D for the attention half, 2D + D·F + F + F·D + D for the MLP half).
   */
  static long parameterCount(long v, TransformerLmOptions o) {
    long d = o.dim();
    long f = o.ffnWidth();
    long block = 2 * d + 4 * d * d + 4 * d + 2 * d + d * f + f + f * d + d;
    return v * d + (long) o.context() * d + o.layers() * block + 2 * d + d * v + v;
  }
}
