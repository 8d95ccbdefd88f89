package dev.aiaas.nlp.lm;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.train.Callback;
import dev.aiaas.core.train.Callbacks;
import dev.aiaas.core.train.TrainingContext;
import dev.aiaas.nlp.corpus.Corpora;
import dev.aiaas.nlp.text.Vocabulary;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Not a test: a pilot for choosing the transformer's settings on the Moby-Dick <b>training</b>
 * chapters only. The last {@code val} fraction of the training sentences (default 0.1, the last
 * chapters before 121) is held out; the model is trained on the rest and its perplexity on the
 * held-out part (OOVs included, the held-out part's unknown words scored as {@code <unk>}) is
 * printed after every epoch. The test chapters are not read. Arguments are {@code key=value}
 * overrides of {@link TransformerLmOptions#defaults()}: n h d t ff ep b lr warm wd clip p k seed
 * tie val.
 *
 * <pre>
 * java -cp ... dev.aiaas.nlp.lm.TransformerPilot d=128 ep=6 p=0.2 wd=0.1
 * </pre>
 */
public final class TransformerPilot {
  private TransformerPilot() {}

  public static void main(String[] args) {
    Backends.current();
    Map<String, String> a = new HashMap<>();
    for (String s : args) {
      String[] kv = s.split("=", 2);
      a.put(kv[0], kv[1]);
    }
    TransformerLmOptions d = TransformerLmOptions.defaults();
    TransformerLmOptions o = new TransformerLmOptions(
        Integer.parseInt(a.getOrDefault("n", "" + d.layers())),
        Integer.parseInt(a.getOrDefault("h", "" + d.heads())),
        Integer.parseInt(a.getOrDefault("d", "" + d.dim())),
        Integer.parseInt(a.getOrDefault("t", "" + d.context())),
        Integer.parseInt(a.getOrDefault("ff", "" + d.ffnMultiplier())),
        d.minCount(),
        Integer.parseInt(a.getOrDefault("k", "" + d.contextOverlap())),
        Integer.parseInt(a.getOrDefault("ep", "" + d.epochs())),
        Integer.parseInt(a.getOrDefault("b", "" + d.batchSize())),
        Double.parseDouble(a.getOrDefault("lr", "" + d.learningRate())),
        Double.parseDouble(a.getOrDefault("warm", "" + d.warmup())),
        Double.parseDouble(a.getOrDefault("wd", "" + d.weightDecay())),
        Double.parseDouble(a.getOrDefault("clip", "" + d.clipNorm())),
        Double.parseDouble(a.getOrDefault("p", "" + d.dropout())),
        Long.parseLong(a.getOrDefault("seed", "" + d.seed())),
        Boolean.parseBoolean(a.getOrDefault("tie", "" + d.tieEmbeddings())));
    double valFraction = Double.parseDouble(a.getOrDefault("val", "0.1"));
    List<List<String>> all = Corpora.mobyDickTrain();
    int cut = (int) Math.round(all.size() * (1 - valFraction));
    List<List<String>> train = all.subList(0, cut);
    List<List<String>> val = all.subList(cut, all.size());
    System.out.println(o + "; train " + train.size() + " sentences, validation " + val.size());
    Map<String, Long> counts = new HashMap<>();
    for (List<String> s : train) {
      for (String t : s) {
        counts.merge(t, 1L, Long::sum);
      }
    }
    Vocabulary vocabulary = Vocabulary.fromCounts(counts, o.minCount());
    long t0 = System.nanoTime();
    Callback perplexity = new Callback() {
      @Override
      public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
        long e0 = System.nanoTime();
        TransformerLanguageModel m =
            TransformerLanguageModel.fromParameters(vocabulary, o, context.model().parameters().data().asFloat());
        Perplexity p = Perplexity.evaluate(m, val);
        System.out.printf(Locale.ROOT, "PILOT epoch %d loss %.4f val ppl incl %.4f excl %.4f oovs %d; %.1f s so far,"
            + " eval %.1f s%n", epoch + 1, logs.get("loss"), p.including(), p.excludingOovs(), p.oovs(),
            (e0 - t0) / 1e9, (System.nanoTime() - e0) / 1e9);
      }
    };
    TransformerLanguageModel.train(train, o, Callbacks.progress(), perplexity);
    System.out.printf(Locale.ROOT, "PILOT done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }
}
