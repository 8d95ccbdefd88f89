package dev.aiaas.nlp.lm;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.train.Callback;
import dev.aiaas.core.train.Callbacks;
import dev.aiaas.core.train.TrainingContext;
import dev.aiaas.nlp.corpus.Corpora;
import dev.aiaas.nlp.text.Vocabulary;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Not a test: trains an {@link LstmLanguageModel} on the embedded Moby-Dick training part and
 * prints its test perplexity beside the order-3 modified Kneser-Ney model's, built on the full
 * vocabulary and on the LSTM's (the same {@code minCount}). Arguments: E H epochs [batch] [lr]
 * [out-file] [dropout].
 *
 * <pre>
 * mvn -B -q package -DskipTests
 * java -cp aiaas-cli/target/aiaas.jar:aiaas-nlp/target/test-classes dev.aiaas.nlp.lm.LstmMoby 64 128 3 32 0.002 moby-lstm.aiaas
 * </pre>
 *
 * <p>Validation after each epoch runs on the test part (its {@code val_loss} is the per-token
 * cross-entropy on test rows), and after each epoch the model of that moment is scored on the test
 * part by {@link Perplexity}; nothing is chosen by either, training runs all epochs.
 */
public final class LstmMoby {
  private LstmMoby() {}

  public static void main(String[] args) throws Exception {
    Backends.current();
    int e = Integer.parseInt(args[0]);
    int h = Integer.parseInt(args[1]);
    int epochs = Integer.parseInt(args[2]);
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 32;
    double lr = args.length > 4 ? Double.parseDouble(args[4]) : 2e-3;
    double dropout = args.length > 6 ? Double.parseDouble(args[6]) : 0.0;
    LstmLmOptions o = LstmLmOptions.defaults().withSize(e, h).withTraining(epochs, batch, lr).withDropout(dropout);
    List<List<String>> train = Corpora.mobyDickTrain();
    List<List<String>> test = Corpora.mobyDickTest();
    for (long min : new long[] {1, o.minCount()}) {
      Perplexity p = Perplexity.evaluate(NgramModel.build(train, NgramOptions.kenlm(3).withMinCount(min)), test);
      System.out.printf(Locale.ROOT, "3-gram MKN, minCount %d: including OOVs %.4f, excluding %.4f, OOVs %d%n",
          min, p.including(), p.excludingOovs(), p.oovs());
    }
    System.out.println(o);
    Map<String, Long> counts = new HashMap<>();
    for (List<String> s : train) {
      for (String t : s) {
        counts.merge(t, 1L, Long::sum);
      }
    }
    Vocabulary vocabulary = Vocabulary.fromCounts(counts, o.minCount()); // as train builds it
    Callback perplexity = new Callback() {
      @Override
      public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
        long s0 = System.nanoTime();
        LstmLanguageModel now = LstmLanguageModel.fromParameters(vocabulary, o, context.model().parameters().data().asFloat());
        Perplexity p = Perplexity.evaluate(now, test);
        System.out.printf(Locale.ROOT, "epoch %d: test perplexity including OOVs %.4f, excluding %.4f, OOVs %d (scored in %.1f s)%n",
            epoch + 1, p.including(), p.excludingOovs(), p.oovs(), (System.nanoTime() - s0) / 1e9);
      }
    };
    long t0 = System.nanoTime();
    LstmLanguageModel lm = LstmLanguageModel.train(train, o, test, Callbacks.progress(), perplexity).model();
    long t1 = System.nanoTime();
    Perplexity p = Perplexity.evaluate(lm, test);
    long t2 = System.nanoTime();
    System.out.printf(Locale.ROOT, "LSTM V=%d E=%d H=%d, %d epochs: including OOVs %.4f, excluding %.4f, OOVs %d; "
            + "training %.1f s, evaluation %.1f s%n", lm.vocabulary().size(), e, h, epochs, p.including(), p.excludingOovs(),
        p.oovs(), (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    if (args.length > 5 && !args[5].equals("-")) { // "-": no file
      lm.save(Path.of(args[5]));
    }
  }
}
