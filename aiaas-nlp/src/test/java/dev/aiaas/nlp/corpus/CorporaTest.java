package dev.aiaas.nlp.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

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
  void everyCallReturnsAFreshList() {
    assertNotSame(Corpora.mobyDickTest(), Corpora.mobyDickTest());
  }
}
