package dev.aiaas.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.nlp.corpus.Corpora;
import dev.aiaas.nlp.lm.NgramModel;
import dev.aiaas.nlp.lm.NgramOptions;
import dev.aiaas.nlp.lm.Perplexity;
import dev.aiaas.nlp.lm.Sampler;
import dev.aiaas.nlp.lm.SamplingOptions;
import dev.aiaas.nlp.text.Vocabulary;
import dev.aiaas.nlp.text.WhitespaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * aiaas-nlp's n-gram models work without ND4J: this module depends on aiaas-nlp with
 * {@code org.nd4j:*} excluded, as docs/platforms.md tells n-gram users to, so its test class path
 * has aiaas-nlp, aiaas-core, aiaas-datasets, SLF4J, JNA and Jackson (aiaas-nlp's
 * tokenizer.json reader), and no ND4J, JavaCPP or OpenBLAS. A
 * class of the n-gram path that loaded ND4J (or a core class that does) would fail here with
 * {@link NoClassDefFoundError}.
 */
class NgramWithoutNd4jTest {

    /** The premise: the natives and ND4J are really absent from this class path. */
    @ParameterizedTest
    @ValueSource(strings = {"org.nd4j.linalg.factory.Nd4j", "org.nd4j.linalg.cpu.nativecpu.CpuBackend",
            "org.bytedeco.javacpp.Loader", "org.bytedeco.openblas.global.openblas"})
    void nd4jAndItsNativesAreNotOnTheClassPath(String className) {
        assertThrows(ClassNotFoundException.class, () -> Class.forName(className));
    }

    /** Build, evaluate, save, load and sample a KenLM-equal 3-gram model of Moby-Dick. */
    @Test
    void aTrigramModelBuildsScoresSavesLoadsAndSamples(@TempDir Path dir) throws IOException {
        NgramModel lm = NgramModel.build(Corpora.mobyDickTrain(), NgramOptions.kenlm(3));
        List<List<String>> test = Corpora.mobyDickTest();
        Perplexity ppl = Perplexity.evaluate(lm, test);
        // KenLM's query on lmplz -o 3 of the same data (aiaas-nlp's MobyKenlmTest checks every digit)
        assertEquals(243.4205, ppl.including(), 5e-5);
        assertEquals(842, ppl.oovs());

        Path arpa = dir.resolve("moby-3.arpa");
        lm.writeArpa(arpa);
        NgramModel loaded = NgramModel.readArpa(arpa);
        assertEquals(ppl.including(), Perplexity.evaluate(loaded, test).including(), 1e-6 * ppl.including());

        List<String> sampled = Sampler.sample(loaded, SamplingOptions.defaults(), 7L);
        assertFalse(sampled.isEmpty());
        Vocabulary vocabulary = loaded.vocabulary();
        for (String word : sampled) {
            assertTrue(vocabulary.contains(word), "sampled a word outside the vocabulary: " + word);
        }
        assertEquals(List.of("call", "me", "ishmael", "."), new WhitespaceTokenizer().tokenize("call me ishmael ."));
    }
}
