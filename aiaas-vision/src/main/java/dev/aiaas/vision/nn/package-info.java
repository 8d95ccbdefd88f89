/**
 * Convolutional layers on aiaas-core's {@code Layer} contract ({@link dev.aiaas.vision.nn.ConvLayers}),
 * and ready-made networks ({@link dev.aiaas.vision.nn.Networks}).
 *
 * <p>Images are NCHW: a layer's per-example shape is {@code [channels, height, width]}, and a
 * batch is an 'f'-order {@code [B, C, H, W]} array, as the contract has every activation (so the
 * B values of one channel and position lie together: the layers copy, add and compare whole runs
 * of them). Networks read flat rows ({@code [C·H·W]}, row-major, as datasets hold images) through
 * {@link dev.aiaas.vision.nn.Unflatten} and hand flat rows to dense layers through
 * {@link dev.aiaas.vision.nn.Flatten} or {@link dev.aiaas.vision.nn.GlobalAvgPool}, so they train
 * with core's {@code Trainer}, save with {@code ModelIO} (every layer's decoder is registered as
 * a service) and serve with {@code Model.predictor()}.
 */
package dev.aiaas.vision.nn;
