package dev.aiaas.bench.jmh;

import dev.aiaas.nlp.corpus.Corpora;
import dev.aiaas.nlp.lm.LmState;
import dev.aiaas.nlp.lm.NgramModel;
import dev.aiaas.nlp.lm.NgramOptions;
import dev.aiaas.nlp.text.Vocabulary;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * n-gram queries: scoring every token of the embedded Moby-Dick test chapters with an order-3
 * modified Kneser-Ney model built from the training chapters in setup
 * ({@code scoreIdsLog10}), against its baseline, the same pass reading one precomputed unigram
 * log10 probability per token from an array (the least a per-token query can cost). Time per pass;
 * tokens per second = tokens / time (the token count is printed at setup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class NgramQueryBenchmark {

    private NgramModel model;
    private int[] ids;
    private double[] unigramLog10;

    /** Builds the model and the test ids. */
    @Setup(Level.Trial)
    public void setup() {
        model = NgramModel.build(Corpora.mobyDickTrain(), NgramOptions.kenlm(3));
        List<List<String>> test = Corpora.mobyDickTest();
        Vocabulary vocab = model.vocabulary();
        ids = test.stream().flatMapToInt(s -> java.util.stream.IntStream.concat(
                s.stream().mapToInt(vocab::id), java.util.stream.IntStream.of(Vocabulary.EOS))).toArray();
        unigramLog10 = new double[vocab.size()];
        LmState nul = model.nullContextState();
        LmState out = model.newState();
        for (int i = 0; i < unigramLog10.length; i++) {
            unigramLog10[i] = model.scoreLog10(nul, i, out);
        }
        System.out.println("n-gram query pass: " + ids.length + " tokens");
    }

    /**
     * aiaas: the order-3 model.
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public double order3() {
        return model.scoreIdsLog10(ids);
    }

    /**
     * The baseline: one array read per token.
     *
     * @return the result, which JMH consumes so that the work is not optimised away
     */
    @Benchmark
    public double unigramArray() {
        double total = 0;
        for (int id : ids) {
            total += unigramLog10[id];
        }
        return total;
    }
}
