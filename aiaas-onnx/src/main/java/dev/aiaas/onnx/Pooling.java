package dev.aiaas.onnx;

import java.util.Locale;

/** How a sentence encoder's hidden states [T, D] become one sentence vector [D]. */
public enum Pooling {
    /** The mean of the states over the tokens whose attention mask is 1 (sentence-transformers' default for MiniLM). */
    MEAN,
    /** The state of the first token ({@code [CLS]}), as BERT's classification head and bge models use. */
    CLS;

    /**
     * Reads a pooling by name, any case ({@code mean}, {@code cls}).
     *
     * @param name the name
     * @return the pooling
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static Pooling parse(String name) {
        for (Pooling p : values()) {
            if (p.name().equalsIgnoreCase(name == null ? "" : name.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("pooling \"" + name + "\" is not known; expected mean or cls");
    }

    /** {@return the lower-case name, as {@link #parse} reads it} */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
