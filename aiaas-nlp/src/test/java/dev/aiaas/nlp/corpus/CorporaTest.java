package dev.aiaas.nlp.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.data.MissingDataException;
import dev.aiaas.datasets.EmbeddedDatasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedded Moby-Dick corpus has the sizes its README states, as sentences and as text. */
class CorporaTest {

  private static long tokens(List<List<String>> sentences) {
    return sentences.stream().mapToLong(List::size).sum();
  }

  @Test
  void trainingPartHasTheDocumentedSize() {
    List<List<String>> train = Corpora.mobyDickTrain();
    assertEquals(7519, train.size());
    assertEquals(224360, tokens(train));
    assertEquals(List.of("chapter", "1"), train.get(0).subList(0, 2), "starts at chapter 1: " + train.get(0));
  }

  @Test
  void testPartHasTheDocumentedSize() {
    List<List<String>> test = Corpora.mobyDickTest();
    assertEquals(1180, test.size());
    assertEquals(29203, tokens(test));
  }

  @Test
  void textStreamHasOneSentencePerLine() throws IOException {
    List<List<String>> test = Corpora.mobyDickTest();
    try (InputStream in = Corpora.openMobyDickTest();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      List<String> lines = r.lines().toList();
      assertEquals(test.size(), lines.size());
      assertEquals(String.join(" ", test.get(0)), lines.get(0).strip());
    }
  }

  @Test
  void theResourceNamesAreTheOnesAiaasDatasetsCarries() {
    assertEquals(
        "/" + EmbeddedDatasets.MOBY_DICK + EmbeddedDatasets.MOBY_DICK_FILES.get(0),
        Corpora.MOBY_DICK_TRAIN_RESOURCE);
    assertEquals(
        "/" + EmbeddedDatasets.MOBY_DICK + EmbeddedDatasets.MOBY_DICK_FILES.get(1),
        Corpora.MOBY_DICK_TEST_RESOURCE);
    assertEquals(EmbeddedDatasets.ARTIFACT, Corpora.DATASETS_ARTIFACT);
  }

  /** A class path without aiaas-datasets (a loader that sees only the JDK). */
  private static final ClassLoader WITHOUT_DATASETS = new ClassLoader(null) {};

  @Test
  void withoutAiaasDatasetsTheErrorNamesTheDependencyToAdd() {
    MissingDataException e =
        missing(() -> Corpora.sentences(Corpora.MOBY_DICK_TRAIN_RESOURCE, WITHOUT_DATASETS));
    assertEquals("dev/aiaas/datasets/moby-dick/moby-train.txt.gz", e.resource());
    assertEquals("dev.aiaas:aiaas-datasets", e.artifact());
    assertTrue(
        e.getMessage().contains("Fix: add the dependency dev.aiaas:aiaas-datasets"), e.getMessage());

    assertTrue(e.getMessage().contains("the embedded Moby-Dick corpus"), e.getMessage());
    assertTrue(e.getMessage().contains("TextFiles.readSentences"), e.getMessage());

    MissingDataException opened = missing(() -> Corpora.open(Corpora.MOBY_DICK_TEST_RESOURCE, WITHOUT_DATASETS));
    assertEquals("dev/aiaas/datasets/moby-dick/moby-test.txt.gz", opened.resource());
  }

  /** The missing-data error, unchecked as Corpora's methods throw it. */
  private static MissingDataException missing(org.junit.jupiter.api.function.Executable call) {
    java.io.UncheckedIOException u = assertThrows(java.io.UncheckedIOException.class, call);
    assertTrue(u.getCause() instanceof MissingDataException, "cause: " + u.getCause());
    return (MissingDataException) u.getCause();
  }

  @Test
  void everyCallReturnsAFreshList() {
    assertNotSame(Corpora.mobyDickTest(), Corpora.mobyDickTest());
  }
}
