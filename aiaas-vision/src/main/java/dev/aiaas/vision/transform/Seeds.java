package dev.aiaas.vision.transform;

/**
 * Deriving independent seeds from one: the seed of sample {@code k} of a run, of step {@code i} of a
 * composed pipeline. A derived seed depends only on its inputs, not on how many draws others made,
 * so adding a step to a pipeline or a worker to a loader changes no other sample's output.
 */
public final class Seeds {

    private Seeds() {
    }

    /**
     * A seed for stream {@code index} of {@code seed}: SplitMix64's finaliser (Steele, Lea and
     * Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014) of
     * {@code seed + (index + 1) * 0x9E3779B97F4A7C15}: the function of core's
     * {@code Shuffle.epochSeed}, the codebase's one seed rule, taken to {@code long} indices.
     *
     * @param seed  the parent seed
     * @param index the stream (sample number, step number)
     * @return the derived seed
     */
    public static long mix(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
