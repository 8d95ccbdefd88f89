package dev.aiaas.vision.formation;

/**
 * What {@link PhotometricStereo} recovers. Arrays are the caller's (not copied again).
 *
 * @param width        columns
 * @param height       rows
 * @param normals      unit normals, {@code [3 · height · width]} (nx, ny, nz per pixel), zeros off the object
 * @param albedo       the albedo ρ = |ρn|, {@code [height · width]}, 0 off the object
 * @param mask         the foreground: pixels above the black level in at least one image
 * @param observations how many observations the final fit of each pixel used, 0 off the object
 *                     (fewer than 3: the pixel's normal is the minimum-norm guess from too few lights)
 */
public record StereoResult(int width, int height, float[] normals, float[] albedo, boolean[] mask, int[] observations) {
}
