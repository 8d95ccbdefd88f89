/**
 * Images: the {@link dev.aiaas.vision.image.Image} type (float samples, planar CHW, immutable),
 * reading PNG/JPEG/BMP and writing PNG ({@link dev.aiaas.vision.image.ImageFiles}, bounded by
 * {@link dev.aiaas.vision.image.ImageLimits}), NCHW tensors
 * ({@link dev.aiaas.vision.image.ImageTensors}) and picture grids of batches
 * ({@link dev.aiaas.vision.image.ImageGrid}).
 */
package dev.aiaas.vision.image;
