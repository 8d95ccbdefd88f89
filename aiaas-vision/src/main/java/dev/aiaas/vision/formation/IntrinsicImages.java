package dev.aiaas.vision.formation;

/**
 * An image split into albedo (reflectance) and shading, {@code image = albedo · shading} on the
 * object. Arrays are the caller's.
 *
 * @param width   columns
 * @param height  rows
 * @param albedo  {@code [height · width]}, scaled so that its largest value on the object is 1; 0 off it
 * @param shading {@code [height · width]}, image / albedo on the object; 0 off it
 */
public record IntrinsicImages(int width, int height, float[] albedo, float[] shading) {
}
