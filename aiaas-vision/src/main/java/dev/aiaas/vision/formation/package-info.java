/**
 * The image-formation model: a renderer that makes grey images from a surface (height, normals,
 * albedo), directional lights, a specular lobe and sensor noise, and its inversion (photometric
 * stereo, integration of normals into heights, a single-image shading/albedo split), with physical
 * augmentations built on both.
 *
 * <p><b>Frame.</b> An image is {@code float[]} in row-major order, {@code width} columns by
 * {@code height} rows, row 0 at the top. Directions and normals use the camera frame: x to the
 * right in the image, y up in the image (towards row 0), z toward the viewer, who looks down −z
 * (an orthographic camera, view direction v = (0, 0, 1)). A light's direction points from the
 * surface toward the light. Heights are in pixel units, along +z. Normal maps are
 * {@code float[3 · width · height]}, (nx, ny, nz) interleaved per pixel.
 *
 * <p><b>The model</b> ({@link dev.aiaas.vision.formation.Renderer}), per pixel and light l:
 * <pre>
 *   I = ρ · (a + Σₗ Eₗ · max(0, n·lₗ) · visₗ) + Σₗ Eₗ · visₗ · spec(n, lₗ, v)
 *   observed = quantise(gain · Poisson(I / gain) + N(0, read²))
 * </pre>
 * with ρ the albedo, a the ambient term, Eₗ the light's irradiance, visₗ ∈ {0, 1} the cast-shadow
 * visibility found by marching the height map toward the light, spec a Blinn-Phong or
 * Cook-Torrance lobe, and the Poisson-Gaussian sensor model of Foi et al. (2008), "Practical
 * Poissonian-Gaussian noise modeling and fitting for single-image raw-data", IEEE TIP 17(10).
 *
 * <p><b>The inversion</b> ({@link dev.aiaas.vision.formation.PhotometricStereo}): Woodham (1980),
 * "Photometric method for determining surface orientation from multiple images", Optical
 * Engineering 19(1), with shadows and highlights discarded per pixel;
 * {@link dev.aiaas.vision.formation.NormalIntegration} solves the Poisson equation of the heights
 * by conjugate gradients; {@link dev.aiaas.vision.formation.Intrinsic} splits one image into
 * shading and albedo as Retinex does (Land and McCann, 1971; Horn, 1974).
 */
package dev.aiaas.vision.formation;
