package dev.aiaas.nlp.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Code-point tokenization and the space symbol. */
class CharacterTokenizerTest {

  @Test
  void splitsCodePointsAndMarksSpaces() {
    assertEquals(List.of("a", "b", "▁", "c"), CharacterTokenizer.withSpaceSymbol().tokenize("ab  c"));
    assertEquals(List.of("a", "b", "c"), CharacterTokenizer.droppingSpaces().tokenize(" ab \tc "));
    assertEquals(List.of("鯨", "_", "🐳", "e", "\u0301"),
        new CharacterTokenizer("_").tokenize(" 鯨 🐳e\u0301\n"));
    assertTrue(CharacterTokenizer.withSpaceSymbol().tokenize(" \t ").isEmpty());
  }

  @Test
  void rejectsWhitespaceSymbol() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CharacterTokenizer(" "));
    assertTrue(e.getMessage().contains("got ' '"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new CharacterTokenizer(null));
  }
}
