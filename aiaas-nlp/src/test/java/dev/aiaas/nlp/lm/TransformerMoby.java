package dev.aiaas.nlp.lm;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.train.Callback;
import dev.aiaas.core.train.Callbacks;
import dev.aiaas.core.train.TrainingContext;
import dev.aiaas.nlp.text.Vocabulary;
import java.util.HashMap;
import java.util.Map;
import dev.aiaas.nlp.corpus.Corpora;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: trains a {@link TransformerLanguageModel} on the embedded Moby-Dick training part
 * (chapters 1-120 only; no validation data, nothing chosen on the test part), saves it, and then
 * prints its test perplexity. After every epoch the model of that moment is saved as
 * {@code out-file.epochN} (a safety net for a run cut short; nothing is evaluated on it here). Arguments: layers heads dim context epochs batch lr dropout
 * out-file [sentences: train on the first n sentences only, for timing].
 *
 * <pre>
 * java -cp ... dev.aiaas.nlp.lm.TransformerMoby 2 4 128 48 12 32 0.001 0.15 moby-gpt.aiaas
 * </pre>
 */
public final class TransformerMoby {
  private TransformerMoby() {}

  public static void main(String[] args) throws Exception {
    Backends.current();
    TransformerLmOptions o = TransformerLmOptions.defaults()
        .withSize(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]))
        .withTraining(Integer.parseInt(args[4]), Integer.parseInt(args[5]), Double.parseDouble(args[6]))
        .withDropout(Double.parseDouble(args[7]));
    List<List<String>> train = Corpora.mobyDickTrain();
    if (args.length > 9) {
      train = train.subList(0, Integer.parseInt(args[9]));
    }
    List<List<String>> test = Corpora.mobyDickTest();
    System.out.println(o);
    Map<String, Long> counts = new HashMap<>();
    for (List<String> s : train) {
      for (String t : s) {
        counts.merge(t, 1L, Long::sum);
      }
    }
    Vocabulary vocabulary = Vocabulary.fromCounts(counts, o.minCount()); // as train builds it
    String out = args[8];
    Callback snapshot = new Callback() { // a file after every epoch (out.epochN), nothing evaluated
      @Override
      public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
        if (out.equals("-")) {
          return;
        }
        try {
          TransformerLanguageModel.fromParameters(vocabulary, o, context.model().parameters().data().asFloat())
              .save(Path.of(out + ".epoch" + (epoch + 1)));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    long t0 = System.nanoTime();
    TransformerLanguageModel lm = TransformerLanguageModel.train(train, o, Callbacks.progress(), snapshot);
    long t1 = System.nanoTime();
    System.out.printf(Locale.ROOT, "trained %s in %.1f s%n", lm, (t1 - t0) / 1e9);
    if (!args[8].equals("-")) {
      lm.save(Path.of(args[8]));
    }
    Perplexity p = Perplexity.evaluate(lm, test);
    long t2 = System.nanoTime();
    System.out.printf(Locale.ROOT, "transformer %s: including OOVs %.4f, excluding %.4f, OOVs %d; training %.1f s,"
        + " evaluation %.1f s%n", lm, p.including(), p.excludingOovs(), p.oovs(), (t1 - t0) / 1e9, (t2 - t1) / 1e9);
  }
}
