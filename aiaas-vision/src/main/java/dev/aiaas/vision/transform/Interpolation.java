package dev.aiaas.vision.transform;

/**
 * How a resampling transform computes an output sample from the input's, with the semantics of
 * PyTorch's {@code interpolate} (and torchvision 0.14's {@code resize} on float tensors), half-pixel
 * centres ({@code align_corners=False}): output index {@code i} samples input coordinate
 * {@code (i + 0.5) * in / out - 0.5}.
 */
public enum Interpolation {
    /** The input sample at {@code floor(i * in / out)} (PyTorch's legacy {@code nearest}); in warps, the nearest one. */
    NEAREST,
    /** Linear in each axis over the two nearest samples (edges repeated). */
    BILINEAR,
    /** Keys' cubic convolution, {@code a = -0.75}, over four samples in each axis (edges repeated); may leave [0, 1]. */
    BICUBIC,
    /** The mean of the input samples each output pixel covers (PyTorch's {@code area}, adaptive average pooling); for downscaling. */
    AREA,
    /**
     * Bilinear with the triangle filter widened by the downscaling factor (PIL's and PyTorch's
     * {@code antialias=True}): no aliasing when shrinking; bilinear when enlarging.
     */
    BILINEAR_ANTIALIAS
}
