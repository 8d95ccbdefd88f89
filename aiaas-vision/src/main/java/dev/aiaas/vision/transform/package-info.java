/**
 * Seeded image transforms: the {@link dev.aiaas.vision.transform.Transform} interface (the same
 * seed gives the same output on any thread), the catalogue
 * {@link dev.aiaas.vision.transform.Transforms} (resize, crops, flips, rotation, affine, colour
 * jitter, blur, normalise, ...), the functional operations behind them
 * ({@link dev.aiaas.vision.transform.ImageOps}, torchvision 0.14's semantics on float tensors), and
 * a text syntax for pipelines ({@link dev.aiaas.vision.transform.PipelineSpec}). Geometric
 * transforms move boxes and masks with the image.
 */
package dev.aiaas.vision.transform;
