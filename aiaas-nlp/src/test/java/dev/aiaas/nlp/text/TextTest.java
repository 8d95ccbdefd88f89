package dev.aiaas.nlp.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenizers and the vocabulary file format. */
class TextTest {

  @Test
  void whitespaceTokenizerSplitsOnRunsOfSpace() {
    assertEquals(List.of("call", "me", "ishmael", "."),
        new WhitespaceTokenizer().tokenize("  call me\tishmael  . \r"));
    assertTrue(new WhitespaceTokenizer().tokenize("   ").isEmpty());
  }

  @Test
  void wordTokenizerSplitsPunctuation() {
    assertEquals(List.of("call", "me", "ishmael", ".", "don't", "!", "3.5", "sea-faring"),
        new WordTokenizer(true).tokenize("Call me Ishmael. Don't! 3.5 Sea-faring"));
    assertEquals(List.of("Call", ",", "me"), new WordTokenizer(false).tokenize("Call, me"));
  }

  @Test
  void vocabularyReservesKenlmIds() {
    Vocabulary v = Vocabulary.of(List.of("a", "b"));
    assertEquals(5, v.size());
    assertEquals(0, v.id("<unk>"));
    assertEquals(1, v.id("<s>"));
    assertEquals(2, v.id("</s>"));
    assertEquals(3, v.id("a"));
    assertEquals(Vocabulary.UNK, v.id("zebra"));
    assertFalse(v.contains("zebra"));
    assertEquals("b", v.token(4));
    assertThrows(IllegalArgumentException.class, () -> v.token(5));
    assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("a", "a")));
    assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("<s>")));
    assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("x\ny")));
  }

  @Test
  void fromCountsAppliesCutoffAndOrdersByCount() {
    Vocabulary v = Vocabulary.fromCounts(Map.of("rare", 1L, "b", 5L, "a", 5L, "c", 9L), 2);
    assertEquals(6, v.size());
    assertEquals("c", v.token(3));
    assertEquals("a", v.token(4));
    assertEquals("b", v.token(5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Vocabulary.fromCounts(Map.of(), 0));
    assertTrue(e.getMessage().contains("got 0"));
  }

  @Test
  void saveLoadRoundTrip(@TempDir Path dir) throws IOException {
    Vocabulary v = Vocabulary.of(List.of("whale", "ship", "ahab"));
    Path f = dir.resolve("vocab.txt");
    v.save(f);
    assertTrue(Files.readAllLines(f).get(0).equals("aiaas-vocabulary 1"));
    Vocabulary back = Vocabulary.load(f);
    assertEquals(v.size(), back.size());
    for (int i = 0; i < v.size(); i++) {
      assertEquals(v.token(i), back.token(i));
    }
  }

  @Test
  void loadRejectsNewerAndMalformedFiles(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("v.txt");
    Files.writeString(f, "aiaas-vocabulary 2\n<unk>\n<s>\n</s>\n");
    VocabularyFormatException e = assertThrows(VocabularyFormatException.class, () -> Vocabulary.load(f));
    assertTrue(e.getMessage().contains("format version 2, this library reads up to 1"), e.getMessage());
    Files.writeString(f, "not a vocabulary\n");
    assertThrows(VocabularyFormatException.class, () -> Vocabulary.load(f));
    Files.writeString(f, "aiaas-vocabulary x\n");
    assertThrows(VocabularyFormatException.class, () -> Vocabulary.load(f));
    Files.writeString(f, "aiaas-vocabulary 1\n<s>\n<unk>\n</s>\n");
    e = assertThrows(VocabularyFormatException.class, () -> Vocabulary.load(f));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    Files.writeString(f, "aiaas-vocabulary 1\n<unk>\n<s>\n</s>\na\na\n");
    e = assertThrows(VocabularyFormatException.class, () -> Vocabulary.load(f));
    assertTrue(e.getMessage().contains("line 6: the token 'a' again, already on line 5"), e.getMessage());
    Files.writeString(f, "aiaas-vocabulary 1\n<unk>\n");
    assertThrows(VocabularyFormatException.class, () -> Vocabulary.load(f));
  }
}
