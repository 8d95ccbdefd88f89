package dev.aiaas.nlp.lm;

import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.train.Callback;
import dev.aiaas.core.train.History;
import dev.aiaas.core.train.Trainer;
import dev.aiaas.nlp.text.Vocabulary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training of {@link LstmLanguageModel}: options and sentences in, a trained model out. Builds the
 * vocabulary (words seen at least {@code minCount} times), cuts the sentences into rows
 * ({@link Rows}), builds the network ({@link #network}) and fits it with aiaas-core's
 * {@link Trainer} ({@code Losses.sequenceSparseSoftmaxCrossEntropy()}, Adam, optional clipping by
 * global norm). The model then takes the network's parameters θ; the network itself is closed.
 *
 * <p>The n-gram counterpart is {@link NgramEstimator}; {@link LstmLanguageModel#train} is the
 * public entry point.
 */
final class LstmLmTrainer {

  private LstmLmTrainer() {}

  /**
   * Trains a model and validates it after each epoch on other sentences when given.
   *
   * @param sentences the training sentences, without {@code <s>} and {@code </s>}
   * @param options size and training settings
   * @param validation sentences to validate on, or null for none
   * @param callbacks run by the trainer
   * @return the model and the trainer's history
   * @throws IllegalArgumentException when the corpus has no token or the validation corpus no
   *     sentence
   */
  static LstmLanguageModel.Trained train(
      Iterable<? extends List<String>> sentences,
      LstmLmOptions options,
      Iterable<? extends List<String>> validation,
      Callback... callbacks) {
    Vocabulary vocabulary = vocabulary(sentences, options.minCount());
    Rows rows = Rows.of(encode(sentences, vocabulary), options);
    Rows val = validation == null ? null : Rows.of(encode(validation, vocabulary), options);
    Trainer.Builder trainer =
        Trainer.builder(Losses.sequenceSparseSoftmaxCrossEntropy())
            .optimizer(Optimizers.adam(options.learningRate()))
            .epochs(options.epochs())
            .batchSize(options.batchSize())
            .seed(options.seed())
            .callbacks(callbacks);
    if (options.clipNorm() > 0) {
      trainer.clipNorm(options.clipNorm());
    }
    try (Model network = network(vocabulary.size(), options)) {
      Fitted f = fit(network, rows, val, trainer);
      return new LstmLanguageModel.Trained(
          LstmLanguageModel.fromOwnedParameters(vocabulary, options, f.theta()), f.history());
    }
  }

  /**
   * The vocabulary of a training corpus (the neural language models' rule: words seen fewer than
   * {@code minCount} times are {@code <unk>}).
   *
   * @throws IllegalArgumentException when the corpus has no token
   */
  static Vocabulary vocabulary(Iterable<? extends List<String>> sentences, long minCount) {
    Map<String, Long> counts = new HashMap<>();
    long tokens = 0;
    for (List<String> s : sentences) {
      for (String t : s) {
        counts.merge(t, 1L, Long::sum);
        tokens++;
      }
    }
    if (tokens == 0) {
      throw new IllegalArgumentException(
          "the corpus is empty: no tokens to learn from; pass a corpus with at least one word"
              + " (one sentence per line)");
    }
    return Vocabulary.fromCounts(counts, minCount);
  }

  /** A trained network's θ (float32, a copy) and the trainer's history. */
  record Fitted(float[] theta, History history) {}

  /**
   * Trains {@code network} on the rows (validating on {@code val} when not null) and copies its θ
   * out; the rows' arrays are closed, the network is the caller's.
   *
   * @throws IllegalArgumentException when {@code val} has no rows
   */
  static Fitted fit(Model network, Rows rows, Rows val, Trainer.Builder trainer) {
    if (val != null && val.count == 0) {
      throw new IllegalArgumentException(
          "the validation corpus has no sentences; pass at least one sentence or none");
    }
    try (INDArray x = rows.inputs();
        INDArray y = rows.targets();
        INDArray xv = val == null ? null : val.inputs();
        INDArray yv = val == null ? null : val.targets()) {
      History history = trainer.build().fit(network, x, y, xv, yv);
      return new Fitted(network.parameters().data().asFloat(), history);
    }
  }

  /**
   * The network for a vocabulary of {@code v} ids: embedding, LSTM, dense output per position;
   * with dropout, a time-distributed dropout layer after the embedding and after the LSTM (no
   * parameters, so θ's layout is the same). Its parameters θ are what {@link LstmLanguageModel}
   * scores with and what its file stores.
   *
   * @param v the vocabulary size V
   * @param o the options (E, H, T, dropout, seed)
   * @return a new network; the caller closes it
   */
  static Model network(int v, LstmLmOptions o) {
    Model.Builder b = Model.builder(o.sequenceLength()).add(Layers.embedding(v, o.embeddingSize()));
    if (o.dropout() > 0) {
      b.add(Layers.timeDistributed(Layers.dropout(o.dropout())));
    }
    b.add(Layers.lstm(o.hiddenSize()));
    if (o.dropout() > 0) {
      b.add(Layers.timeDistributed(Layers.dropout(o.dropout())));
    }
    return b.add(Layers.timeDistributed(Layers.dense(v))).seed(o.seed()).build();
  }

  static List<int[]> encode(Iterable<? extends List<String>> sentences, Vocabulary v) {
    List<int[]> out = new ArrayList<>();
    for (List<String> s : sentences) {
      out.add(v.ids(s));
    }
    return out;
  }

  /**
   * Training rows cut from sentences: inputs {@code <s> w₁ .. wₙ} and targets
   * {@code w₁ .. wₙ </s>}, {@code sequenceLength} positions a row, padded with input
   * {@code </s>} and target {@value Losses#PADDING}; long sentences continue in rows that repeat
   * {@code contextOverlap} positions as unlabelled context.
   */
  static final class Rows {
    final int count;
    final int length;
    final float[] x;
    final float[] y;

    private Rows(int count, int length, float[] x, float[] y) {
      this.count = count;
      this.length = length;
      this.x = x;
      this.y = y;
    }

    static Rows of(List<int[]> sentences, LstmLmOptions o) {
      return of(sentences, o.sequenceLength(), o.contextOverlap());
    }

    /** Rows of {@code t} positions whose continuation rows repeat {@code k} positions of context. */
    static Rows of(List<int[]> sentences, int t, int k) {
      int count = 0;
      for (int[] s : sentences) {
        int positions = s.length + 1;
        for (int from = 0; from < positions; from = (from == 0 ? 0 : from - k) + t) {
          count++; // the first row labels [0, t); each later one t - k new positions
        }
      }
      float[] x = new float[count * t];
      float[] y = new float[count * t];
      int row = 0;
      for (int[] s : sentences) {
        int positions = s.length + 1;
        int from = 0;
        while (from < positions) {
          int start = from == 0 ? 0 : from - k;
          for (int i = 0; i < t; i++) {
            int p = start + i;
            boolean inside = p < positions;
            x[row * t + i] = inside ? (p == 0 ? Vocabulary.BOS : s[p - 1]) : Vocabulary.EOS;
            y[row * t + i] =
                inside && p >= from ? (p < s.length ? s[p] : Vocabulary.EOS) : Losses.PADDING;
          }
          row++;
          from = start + t;
        }
      }
      return new Rows(count, t, x, y);
    }

    INDArray inputs() {
      return Nd4j.create(x, new long[] {count, length}, 'c');
    }

    INDArray targets() {
      return Nd4j.create(y, new long[] {count, length}, 'c');
    }
  }
}
