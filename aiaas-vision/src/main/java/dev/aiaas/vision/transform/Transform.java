package dev.aiaas.vision.transform;

import dev.aiaas.vision.image.Image;

/**
 * A transform of images (and their boxes and masks), deterministic given a seed: the same sample and
 * seed give the same output on any thread, as many times as asked, because every random parameter is
 * drawn from a generator made from {@code seed} inside the call (no shared generator). The
 * parameters are drawn once per call and applied to the image, its boxes and its mask together (the
 * semantics of torchvision.transforms.v2).
 *
 * <p>Implementations are immutable and thread-safe. Build them with {@link Transforms} (the
 * catalogue) or {@link PipelineSpec#parse}; compose with {@link Transforms#compose}. A data loader
 * gives sample {@code k} of epoch {@code e} the seed {@code Seeds.mix(Seeds.mix(seed, e), k)}.
 */
public interface Transform {

    /**
     * Transforms a sample.
     *
     * @param sample the input (not changed)
     * @param seed   the seed of this call's random draws
     * @return the output
     */
    Sample apply(Sample sample, long seed);

    /**
     * Transforms an image alone.
     *
     * @param image the input
     * @param seed  the seed of this call's random draws
     * @return the output image
     */
    default Image apply(Image image, long seed) {
        return apply(Sample.of(image), seed).image();
    }
}
