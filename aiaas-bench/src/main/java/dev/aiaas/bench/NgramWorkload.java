package dev.aiaas.bench;

import dev.aiaas.nlp.corpus.Corpora;
import dev.aiaas.nlp.lm.NgramModel;
import dev.aiaas.nlp.lm.NgramOptions;
import dev.aiaas.nlp.text.Vocabulary;
import java.util.List;

/**
 * aiaas-nlp on the embedded Moby-Dick corpus, order 3, modified Kneser-Ney (KenLM's settings):
 * either building the model from the training chapters, or scoring every token of the test
 * chapters with {@code scoreIdsLog10} (one step = one pass over the test set). Pure Java, one
 * thread: the runner measures it at one thread setting.
 */
public final class NgramWorkload implements Workload {

    /** The n-gram order. */
    public static final int ORDER = 3;

    private final boolean build;
    private List<List<String>> train;
    private NgramModel model;
    private int[] ids;

    private NgramWorkload(boolean build) {
        this.build = build;
    }

    /** {@return the workload that builds the order-3 model from the training chapters} */
    public static NgramWorkload build() {
        return new NgramWorkload(true);
    }

    /** {@return the workload that scores the test chapters with a model built in {@link #setup()}} */
    public static NgramWorkload query() {
        return new NgramWorkload(false);
    }

    @Override
    public String benchmark() {
        return (build ? "ngram-build" : "ngram-query") + "-moby-o" + ORDER;
    }

    @Override
    public String engine() {
        return "aiaas";
    }

    @Override
    public double flopsPerStep() {
        return 0;
    }

    @Override
    public boolean usesComputeThreads() {
        return false;
    }

    /** {@return tokens scored per query step (test tokens plus one end-of-sentence per sentence); 0 before setup} */
    public int queryTokens() {
        return ids == null ? 0 : ids.length;
    }

    @Override
    public void setup() {
        if (train == null) {
            train = Corpora.mobyDickTrain();
        }
        if (!build) {
            model = NgramModel.build(train, NgramOptions.kenlm(ORDER));
            ids = idsOf(model.vocabulary(), Corpora.mobyDickTest());
        }
    }

    /** The test sentences as word ids, each followed by {@link Vocabulary#EOS}. */
    static int[] idsOf(Vocabulary vocabulary, List<List<String>> sentences) {
        int n = 0;
        for (List<String> s : sentences) {
            n += s.size() + 1;
        }
        int[] ids = new int[n];
        int i = 0;
        for (List<String> s : sentences) {
            for (String w : s) {
                ids[i++] = vocabulary.id(w);
            }
            ids[i++] = Vocabulary.EOS;
        }
        return ids;
    }

    @Override
    public void step() {
        if (build) {
            model = NgramModel.build(train, NgramOptions.kenlm(ORDER));
        } else {
            double log10 = model.scoreIdsLog10(ids);
            if (!(log10 < 0)) {
                throw new IllegalStateException("the test set scored log10 " + log10 + "; expected a negative total");
            }
        }
    }

    @Override
    public void close() {
        model = null;
        ids = null;
    }
}
