package dev.aiaas.vision.transform;

/** What padding fills the new border with (torchvision's {@code padding_mode}). */
public enum PadMode {
    /** One value, the fill. */
    CONSTANT,
    /** The edge sample repeated: {@code aaa|abcd|ddd}. */
    EDGE,
    /** Mirrored without repeating the edge: {@code dcb|abcd|cba}. */
    REFLECT,
    /** Mirrored with the edge repeated: {@code cba|abcd|dcb}. */
    SYMMETRIC
}
