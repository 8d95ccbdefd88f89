package dev.aiaas.nlp.text;

import java.util.List;

/**
 * A {@code tokenizer.json} names a component that {@link HfTokenizers} does not implement (a
 * normaliser, pre-tokeniser, model, post-processor or decoder type, or an option of one). The
 * message names the file, the component, the type found and the supported ones.
 */
public class UnsupportedTokenizerException extends TokenizerFormatException {

  private static final long serialVersionUID = 1L;

  /** The component, e.g. {@code normalizer}. */
  private final String component;
  /** The type found, e.g. {@code Precompiled}. */
  private final String type;
  /** The supported types. */
  private final List<String> supported;

  /**
   * Creates the exception.
   *
   * @param source the file, for the message
   * @param component the component, e.g. {@code normalizer} or {@code model}
   * @param type the type or option found
   * @param supported the types (or option values) this library implements
   */
  public UnsupportedTokenizerException(String source, String component, String type,
      List<String> supported) {
    super(source + ": unsupported " + component + " '" + type + "'; supported: "
        + String.join(", ", supported) + ". Fix: use a tokenizer.json with a supported "
        + component + " (BERT-family WordPiece or GPT-2-family byte-level BPE tokenizers are)");
    this.component = component;
    this.type = type;
    this.supported = List.copyOf(supported);
  }

  /** @return the component, e.g. {@code normalizer} */
  public String component() {
    return component;
  }

  /** @return the type found, e.g. {@code Precompiled} */
  public String type() {
    return type;
  }

  /** @return the supported types */
  public List<String> supported() {
    return supported;
  }
}
