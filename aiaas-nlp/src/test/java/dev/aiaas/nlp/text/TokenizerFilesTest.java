package dev.aiaas.nlp.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving and loading the tokenizer of a model: round trips and every malformed file. */
class TokenizerFilesTest {

  @Test
  void ruleBasedTokenizersRoundTrip(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("t.tokenizer");
    TokenizerFiles.save(new WhitespaceTokenizer(), f);
    assertEquals("aiaas-tokenizer 1\nwhitespace\n", Files.readString(f));
    assertInstanceOf(WhitespaceTokenizer.class, TokenizerFiles.load(f));

    TokenizerFiles.save(new WordTokenizer(true), f);
    assertEquals("aiaas-tokenizer 1\nword lowercase\n", Files.readString(f));
    assertEquals(new WordTokenizer(true), TokenizerFiles.load(f));
    assertEquals("word (lower-cased)", TokenizerFiles.describe(TokenizerFiles.load(f)));

    TokenizerFiles.save(new WordTokenizer(false), f);
    assertEquals(new WordTokenizer(false), TokenizerFiles.load(f));
    assertEquals(List.of("Don't", "!"), TokenizerFiles.load(f).tokenize("Don't!"));
  }

  @Test
  void bpeIsSavedAsItsMergesFile(@TempDir Path dir) throws IOException {
    BpeTokenizer bpe = BpeTokenizer.train(List.of("low lower lowest", "new newer newest"), 270);
    Path f = dir.resolve("t.tokenizer");
    TokenizerFiles.save(bpe, f);
    assertTrue(Files.readString(f).startsWith("aiaas-bpe 1\n"), Files.readString(f));
    BpeTokenizer back = assertInstanceOf(BpeTokenizer.class, BpeTokenizer.load(f));
    assertArrayEquals(bpe.encode("lowest newer"), back.encode("lowest newer"));
    assertArrayEquals(bpe.encode("lowest newer"), ((BpeTokenizer) TokenizerFiles.load(f)).encode("lowest newer"));
  }

  @Test
  void otherTokenizersCannotBeSaved(@TempDir Path dir) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TokenizerFiles.save(new CharacterTokenizer("▁"), dir.resolve("t")));
    assertTrue(e.getMessage().contains("CharacterTokenizer"), e.getMessage());
    assertTrue(e.getMessage().contains("WhitespaceTokenizer, WordTokenizer or BpeTokenizer"), e.getMessage());
  }

  private static String malformed(Path dir, String text) throws IOException {
    Path f = Files.writeString(dir.resolve("bad.tokenizer"), text, StandardCharsets.UTF_8);
    return assertThrows(TokenizerFormatException.class, () -> TokenizerFiles.load(f)).getMessage();
  }

  @Test
  void malformedFilesNameTheLineAndTheExpectation(@TempDir Path dir) throws IOException {
    String m = malformed(dir, "");
    assertTrue(m.contains("line 1") && m.contains("an empty file") && m.contains("'aiaas-tokenizer <version>'"), m);
    m = malformed(dir, "\\data\\\nngram 1=3\n");
    assertTrue(m.contains("found '\\data\\'") && m.contains("not a tokenizer file"), m);
    m = malformed(dir, "aiaas-tokenizer 2\nwhitespace\n");
    assertTrue(m.contains("format version 2, this library reads up to 1"), m);
    m = malformed(dir, "aiaas-tokenizer one\nwhitespace\n");
    assertTrue(m.contains("line 1: the version should be an integer, found 'one'"), m);
    m = malformed(dir, "aiaas-tokenizer 1\nsentencepiece\n");
    assertTrue(m.contains("line 2: expected 'whitespace', 'word' or 'word lowercase', found 'sentencepiece'"), m);
    m = malformed(dir, "aiaas-tokenizer 1\n");
    assertTrue(m.contains("line 2") && m.contains("the end of the file"), m);
    m = malformed(dir, "aiaas-tokenizer 1\nword\nlowercase\n");
    assertTrue(m.contains("line 3: expected the end of the file after the tokenizer line, found 'lowercase'"), m);
  }

  @Test
  void aMalformedMergesFileIsABpeFormatException(@TempDir Path dir) throws IOException {
    Path f = Files.writeString(dir.resolve("bad.bpe"), "aiaas-bpe 1\nmerges 2\n97 98 ab\n");
    BpeFormatException e = assertThrows(BpeFormatException.class, () -> TokenizerFiles.load(f));
    assertTrue(e.getMessage().contains("ends after 1 of 2 merges"), e.getMessage());
  }
}
