package dev.aiaas.core.nn;

import dev.aiaas.core.math.Buf;
import dev.aiaas.core.kernel.DenseKernel;
import dev.aiaas.core.kernel.DenseKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@link Predictor}'s packed path, planned: a model as a list of steps on a chunk's
 * row-major rows, which {@link PackedExecutor} runs. Each layer describes itself through
 * {@link PackedLayer#pack} ({@link PackedSteps}); the rules about neighbours are the plan's:
 * <ul>
 *   <li>a dense product with ReLU or no activation is one step, with another activation two
 *       (softmax included);</li>
 *   <li>a ReLU right after a dense product without activation is fused into it;</li>
 *   <li>a scale and shift (batch normalisation at inference) right after a dense product without
 *       activation is folded into its W and b ({@code W'[:, c] = W[:, c]·s_c},
 *       {@code b'_c = b_c·s_c + t_c}), and anywhere else is a step of its own;</li>
 *   <li>a residual block is a save of the rows, its layers' steps and an add; nothing fuses or
 *       folds across its ends; one with a shortcut branch keeps the main branch's output too,
 *       runs the shortcut from the saved input (a load), puts its output where the main
 *       branch's lies (a gather, when the layouts differ) and adds (an identity shortcut laid
 *       out as the main branch's output is the plain save and add);</li>
 *   <li>no step is the identity (dropout at inference, an identity activation, a reshape);</li>
 *   <li>a patch step (a convolution) gathers each row's patches by runs of contiguous copies (or
 *       value by value where the runs are short: a first convolution's) into a per-lane patch
 *       matrix, rows {@link DenseKernel#ROW_STRIDE} apart in blocks of whole 8-row tiles, and
 *       multiplies it by its packed W with the dense kernel; its
 *       outputs lie channels last ({@code [P, units]} per row, each position's units padded to
 *       whole vectors), a per-channel scale and shift and a ReLU after it fold and fuse into it,
 *       and K is reordered so that its gathers from channels-last rows are runs of C values;
 *       when the kernel {@link DenseKernel#convolves()} it builds no patch matrix instead: a
 *       {@link PaddedStep} (an image's convolution: a zero-padded copy of the input, tiles of an
 *       output row's positions, a residual add and its ReLU after it fused) or else a
 *       {@link DirectStep} (patches read in place through a tap table), the same outputs
 *       ({@link #CONV_PROPERTY} picks, to compare);</li>
 *   <li>a window step (max or average pooling) keeps the order of its input (channels last
 *       stays so) and takes the maximum or the mean over runs of outputs whose taps are runs
 *       too;</li>
 *   <li>a dense product reads such a layout through W's rows put where the features are; softmax,
 *       layer normalisation, a residual block's ends and the model's output first put the
 *       features back in order (a gather step).</li>
 * </ul>
 * A model is planned when it is float32 on flat examples and every layer, nested ones included,
 * is a {@link PackedLayer}; else {@link #why()} says what stops it.
 */
final class PackedPlan {

    /** One step of the packed path, on a chunk's row-major block of {@code cols} features per row. */
    sealed interface Step permits DenseStep, ActStep, SoftmaxStep, NormStep, ScaleStep, SaveStep, AddStep, LoadStep, PatchStep,
            DirectStep, PaddedStep, WindowStep, GatherStep {
    }

    /**
     * A dense product over patches read in place (a convolution, {@link DenseKernel#convolve}):
     * per row, position p's patch is {@code taps} runs of {@code run} contiguous values, run t
     * starting at {@code src[p·taps + t]} in the row (−1: padding, zeros), multiplied by W
     * ({@code [taps·run, unitLd]} row-major, the filters padded), with ReLU or no activation fused,
     * each position's outputs {@code unitLd} apart: [n, ·] -> [n, positions·unitLd] (row stride ld).
     * The rows it reads lie in a buffer with {@link PackedPlan#zeroTail} zeros at its end.
     */
    record DirectStep(int positions, int taps, int run, int[] src, int units, int unitLd, int ld, float[] w, float[] bias, boolean relu)
            implements Step {
    }

    /**
     * A {@link DirectStep} on a zero-padded copy of its input ({@link DenseKernel#convolveTiles}):
     * per row, the runs of {@code copy} (triples src, dst, length) put the input into the lane's
     * padded buffer {@code buffer} of {@code size} floats (its padding, never written, stays
     * zero), then position p's outputs are the sums over its taps at {@code bases[p] + tapOff[t]}:
     * [n, ·] -> [n, positions·unitLd] (row stride ld). With {@code addDepth} ≥ 0 the rows saved at
     * that residual level are added before ReLU (a residual block's {@link AddStep} and its ReLU,
     * fused: a block's last convolution, or its shortcut's). With {@code pool} not null a max
     * pool before it is fused: instead of the copy, its {@link WindowStep} runs of {@code window}
     * taps, their dst moved into the padded buffer, write the maxima there
     * ({@link DenseKernel#windowMax}), so the pooled rows are never stored. With {@code before}
     * not null the convolution before it is fused: per row, that step (its {@code rowTiles} not
     * null) writes its outputs straight into this step's padded buffer instead of the copy.
     * With {@code rowTiles} not null this step is such a {@code before}: it runs the tiles of
     * {@code rowTiles[i]} with y offset {@code rowOff[i]} (the next step's copy run i, dst − src)
     * into the next step's padded buffer.
     */
    record PaddedStep(int buffer, int size, int[] copy, int[] bases, int[] tapOff, int taps, int run, int[] tiles, int stride, int units,
                      int unitLd, int ld, float[] w, float[] bias, boolean relu, int addDepth, int window, int[] pool, PaddedStep before,
                      int[][] rowTiles, int[] rowOff) implements Step {
        /** This step with a residual block's add of the rows saved at {@code depth} (and its ReLU, when {@code relu}) fused into it. */
        PaddedStep withAdd(int depth, boolean relu) {
            return new PaddedStep(buffer, size, copy, bases, tapOff, taps, run, tiles, stride, units, unitLd, ld, w, bias, relu, depth,
                    window, pool, before, rowTiles, rowOff);
        }

        /** This step reading a max pool's input: the pool's runs of {@code window} taps, their dst in the padded buffer. */
        PaddedStep withPool(int window, int[] pool) {
            return new PaddedStep(buffer, size, copy, bases, tapOff, taps, run, tiles, stride, units, unitLd, ld, w, bias, relu, addDepth,
                    window, pool, before, rowTiles, rowOff);
        }

        /** This step reading the input of {@code before}, which writes into this step's padded buffer. */
        PaddedStep withBefore(PaddedStep before) {
            return new PaddedStep(buffer, size, copy, bases, tapOff, taps, run, tiles, stride, units, unitLd, ld, w, bias, relu, addDepth,
                    window, pool, before, rowTiles, rowOff);
        }

        /** This step writing into the next step's padded buffer, tiles {@code rowTiles[i]} at y offset {@code rowOff[i]}. */
        PaddedStep withRows(int[][] rowTiles, int[] rowOff) {
            return new PaddedStep(buffer, size, copy, bases, tapOff, taps, run, tiles, stride, units, unitLd, ld, w, bias, relu, addDepth,
                    window, pool, before, rowTiles, rowOff);
        }
    }

    /**
     * The system property that picks how the packed path runs a convolution when the kernel
     * {@link DenseKernel#convolves()}: {@code padded} (the default) a {@link PaddedStep} where the
     * layer and its input allow, else a {@link DirectStep}; {@code direct} always the latter;
     * {@code patches} patch matrices for the dense kernel (the path before; to compare). Another
     * value is refused.
     */
    static final String CONV_PROPERTY = "aiaas.packed.conv";

    /**
     * A dense product over patches (a convolution): per row, {@code block} positions at a time,
     * their patches gathered into the rows of a patch matrix {@code patchLd} apart (patch p by the
     * runs from {@code starts[p]} to {@code starts[p + 1]}: triples src, offset in the patch,
     * length; src −1: zeros), or value by value when {@code elements} is not null (patch p's
     * j-th value from {@code elements[p·k + j]}, −1: zero), then multiplied by W packed for k and
     * units, with ReLU or no activation fused, each position's outputs {@code unitLd} apart:
     * [n, ·] -> [n, positions·unitLd] (row stride ld).
     */
    record PatchStep(int positions, int k, int[] runs, int[] starts, int[] elements, int block, int patchLd, int units, int unitLd,
                     int ld, float[] w, float[] bias, boolean relu) implements Step {
    }

    /**
     * The patch matrix's values per lane (per block of positions): 64 K floats (256 KB, in L2), so
     * that a large image's convolution needs no buffer of its size.
     */
    static final int PATCH_BLOCK_VALUES = 64 * 1024;

    /**
     * The most floats of a lane's patch buffer, its rows {@link DenseKernel#ROW_STRIDE} apart
     * (1 MB: 248 rows; only the first K floats of each are written and read).
     */
    static final int PATCH_BUFFER_VALUES = 256 * 1024;

    /**
     * A patch step whose gathers average fewer values per run than this copies its patches value
     * by value ({@link PatchStep#elements}): a first convolution's runs, of one channel, are a
     * kernel row of 3 or 5 values, and a run's bookkeeping costs more than its copy.
     */
    static final int SHORT_RUNS = 8;

    /**
     * A maximum or a mean over windows (max or average pooling): per run (dst, length, then
     * {@code window} source offsets, −1 for a padded tap), {@code y[dst + i] = max_t x[src_t + i]}
     * for i below the length, or with {@code mean} {@code y[dst + i] = Σ_t x[src_t + i] / window}
     * (a padded tap adding 0): [n, ·] -> [n, ld].
     */
    record WindowStep(int window, int[] runs, int ld, boolean mean) implements Step {
    }

    /** A permutation of the row's values (triples src, dst, length), back to the layers' own order: [n, ·] -> [n, ld]. */
    record GatherStep(int[] runs, int ld) implements Step {
    }

    /** A dense layer, its W packed, with ReLU or no activation fused: [n, in] (stride ld of the input) -> [n, units] (stride ld). */
    record DenseStep(int in, int units, int ld, float[] w, float[] bias, boolean relu) implements Step {
    }

    /** An activation other than ReLU after a dense layer, or an activation layer, in place. */
    record ActStep(DenseKernel.Fn fn, float alpha, int cols) implements Step {
    }

    /** Softmax over each row, in place. */
    record SoftmaxStep(int cols) implements Step {
    }

    /** Layer normalisation of each row, in place. */
    record NormStep(int cols, float[] gamma, float[] beta, float epsilon) implements Step {
    }

    /** A scale and shift that follows no dense layer without activation (batch normalisation at inference): y ⊙ scale + shift, in place. */
    record ScaleStep(int cols, float[] scale, float[] shift) implements Step {
    }

    /** A residual block's start: the chunk's rows saved in buffer {@code depth} (nesting level) for {@link AddStep}. */
    record SaveStep(int depth, int cols) implements Step {
    }

    /** A residual block's end: y = x + g(x), the rows saved by the matching {@link SaveStep} added in place. */
    record AddStep(int depth, int cols) implements Step {
    }

    /**
     * A shortcut branch's start: the rows saved in buffer {@code depth} by the block's
     * {@link SaveStep} become the current rows ({@code cols} apart), read and written there.
     */
    record LoadStep(int depth, int cols) implements Step {
    }

    /** The steps, in order; null when the model cannot be packed. */
    final Step[] steps;
    /** Why the model cannot be packed, or null when it can. */
    private final String why;
    /** Whether the first step works in place, so that a caller's float[] x is copied first. */
    final boolean copyInput;
    /**
     * The row stride of the lane buffers: {@link DenseKernel#ROW_STRIDE} when every width in the
     * model fits (the kernels read rows that far apart fastest), else the widest padded width.
     */
    final int maxLd;
    /** The row stride of a chunk's copy of x: {@link DenseKernel#ROW_STRIDE} at the fixed stride, else the input's width. */
    final int xld;
    /** The residual nesting depth (the number of saved-rows buffers per lane) and the widest block. */
    final int depths;
    final int savedCols;
    /** The largest patch matrix of a {@link PatchStep} (values per lane's patch buffer), 0 without one. */
    final int patchValues;
    /**
     * The zeros kept at the end of each lane buffer a {@link DirectStep} may read (its padding
     * taps read them there): the longest run of a direct step, 0 without one.
     */
    final int zeroTail;
    /** The sizes of the {@link PaddedStep}s' padded buffers, by {@link PaddedStep#buffer}. */
    final int[] paddedSizes;

    private PackedPlan(String why) {
        this.why = why;
        this.steps = null;
        this.copyInput = false;
        this.maxLd = this.xld = this.depths = this.savedCols = this.patchValues = this.zeroTail = 0;
        this.paddedSizes = new int[0];
    }

    private PackedPlan(Step[] planned, int inSize) {
        this.why = null;
        // a direct step first reads a copy of x, which has the zeros at its end
        this.copyInput = planned.length == 0 || !(planned[0] instanceof DenseStep || planned[0] instanceof PatchStep
                || planned[0] instanceof WindowStep || planned[0] instanceof GatherStep);
        int ld = inSize;
        int depth = 0;
        int cols = 0;
        int patchValues = 0;
        int zeros = 0;
        List<Integer> paddedSizes = new ArrayList<>();
        for (Step st : planned) {
            if (st instanceof DenseStep d) {
                ld = Math.max(ld, d.ld);
            } else if (st instanceof PaddedStep d) {
                ld = Math.max(ld, d.ld);
                addSizes(d, paddedSizes);
            } else if (st instanceof DirectStep d) {
                ld = Math.max(ld, d.ld);
                zeros = Math.max(zeros, d.run);
            } else if (st instanceof PatchStep p) {
                ld = Math.max(ld, p.ld);
                patchValues = Math.max(patchValues, p.block * p.patchLd);
            } else if (st instanceof WindowStep w) {
                ld = Math.max(ld, w.ld);
            } else if (st instanceof GatherStep g) {
                ld = Math.max(ld, g.ld);
            } else if (st instanceof SaveStep sv) {
                depth = Math.max(depth, sv.depth + 1);
                cols = Math.max(cols, sv.cols);
            }
        }
        if (ld <= DenseKernel.ROW_STRIDE) { // every buffer's rows ROW_STRIDE apart
            ld = DenseKernel.ROW_STRIDE;
            for (int i = 0; i < planned.length; i++) {
                if (planned[i] instanceof DenseStep d) {
                    planned[i] = new DenseStep(d.in, d.units, ld, d.w, d.bias, d.relu);
                }
            }
        }
        this.steps = planned;
        this.maxLd = ld;
        this.xld = ld == DenseKernel.ROW_STRIDE ? ld : inSize;
        this.depths = depth;
        this.savedCols = cols;
        this.patchValues = patchValues;
        this.zeroTail = zeros;
        this.paddedSizes = paddedSizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The padded buffers' sizes of a step and the steps fused before it, in buffer order. */
    private static void addSizes(PaddedStep d, List<Integer> sizes) {
        if (d.before != null) {
            addSizes(d.before, sizes);
        }
        if (d.buffer != sizes.size()) {
            throw new IllegalStateException("padded buffer " + d.buffer + " planned at " + sizes.size());
        }
        sizes.add(d.size);
    }

    /** Why the packed path cannot take the model, or null when it can. */
    String why() {
        return why;
    }

    /**
     * Plans {@code model} for {@code kernel} (its panel width and vector lanes), from θ as it is
     * now.
     *
     * @return the plan, or one whose {@link #why()} says why there is none
     * @throws IllegalArgumentException when a {@link PackedLayer} describes itself inconsistently
     *                                  (an array of the wrong length, steps that do not give its
     *                                  output width), or {@code -Daiaas.packed.conv} is not
     *                                  {@code padded}, {@code direct} or {@code patches}
     */
    static PackedPlan of(Model model, DenseKernel kernel) {
        if (model.dataType() != DataType.FLOAT) {
            return new PackedPlan("the packed kernel computes in float32; this model is " + model.dataType());
        }
        if (model.inputShape().length != 1) {
            return new PackedPlan("the packed kernel takes examples of one dimension of features; this model's are "
                    + Arrays.toString(model.inputShape()));
        }
        if (model.outputShape().length != 1) {
            return new PackedPlan("the packed kernel gives each example's outputs as one row; this model's outputs are "
                    + Arrays.toString(model.outputShape()));
        }
        Builder b = new Builder(model.parameters(), kernel.lanes(), Math.toIntExact(model.inputShape()[0]));
        try {
            b.layers(model.layers(), model.inputShape(), 0, "");
            b.identityLayout();
        } catch (Unpackable e) {
            return new PackedPlan(e.getMessage());
        }
        Step[] out = new Step[b.raw.size()];
        String conv = System.getProperty(CONV_PROPERTY, "padded");
        if (!conv.equals("padded") && !conv.equals("direct") && !conv.equals("patches")) {
            throw new IllegalArgumentException("-D" + CONV_PROPERTY + " must be padded, direct or patches; got " + CONV_PROPERTY + "="
                    + conv + ". Leave it unset for padded (convolutions read in place)");
        }
        boolean direct = kernel.convolves() && !"patches".equals(conv);
        int paddedSteps = 0;
        for (int i = 0; i < out.length; i++) {
            if (b.raw.get(i) instanceof RawDense d) {
                int ld = DenseKernels.padded(d.units, kernel.lanes());
                out[i] = new DenseStep(d.in, d.units, ld, DenseKernels.pack(d.w, d.in, d.units, kernel.panel(), kernel.lanes()),
                        Arrays.copyOf(d.bias, ld), d.relu);
            } else if (b.raw.get(i) instanceof RawPatch p && direct) {
                DirectStep d = direct(p); // read in place: no patch matrix
                PaddedStep padded = "direct".equals(conv) ? null : padded(p, d, paddedSteps);
                out[i] = padded == null ? d : padded;
                paddedSteps += padded == null ? 0 : 1;
            } else if (b.raw.get(i) instanceof RawPatch p) {
                // rows ROW_STRIDE apart, the stride the kernels read fastest (ldx = K measured 20 % slower on
                // the cnn's 32-filter convolution: its strided 8x2 blocks), in blocks of whole 8-row tiles
                int patchLd = p.k <= DenseKernel.ROW_STRIDE ? DenseKernel.ROW_STRIDE : p.k;
                int block = Math.min(p.positions, Math.max(1, Math.min(PATCH_BLOCK_VALUES / p.k, PATCH_BUFFER_VALUES / patchLd)));
                if (block < p.positions && block >= 8) {
                    block -= block % 8;
                }
                // runs of a few values (a first convolution's, of one channel) are copied value by value
                int[] elements = (long) p.positions * p.k < (long) SHORT_RUNS * (p.runs.length / 3) ? p.gather : null;
                out[i] = new PatchStep(p.positions, p.k, p.runs, p.starts, elements, block, patchLd, p.units, p.unitLd,
                        Math.multiplyExact(p.positions, p.unitLd), DenseKernels.pack(p.w, p.k, p.units, kernel.panel(), kernel.lanes()),
                        Arrays.copyOf(p.bias, p.unitLd), p.relu);
            } else {
                out[i] = (Step) b.raw.get(i);
            }
        }
        return new PackedPlan(fuseConvs(fusePools(fuseAdds(out))), Math.toIntExact(model.inputShape()[0]));
    }

    /**
     * The property that turns off {@link #fusePools} and {@link #fuseConvs}
     * ({@code -Daiaas.packed.fuse=none}), to compare; {@code all} (the default) fuses.
     */
    static final String FUSE_PROPERTY = "aiaas.packed.fuse";

    /**
     * The {@link #FUSE_PROPERTY} setting, checked.
     *
     * @return whether pools and convolutions fuse into the convolution after them
     * @throws IllegalArgumentException for a value other than {@code all} or {@code none}
     */
    static boolean fuses() {
        String s = System.getProperty(FUSE_PROPERTY, "all");
        if (!s.equals("all") && !s.equals("none")) {
            throw new IllegalArgumentException("-D" + FUSE_PROPERTY + " must be all or none; got " + FUSE_PROPERTY + "=" + s
                    + ". Leave it unset for all (pools and convolutions write into the next convolution's buffer)");
        }
        return s.equals("all");
    }

    /**
     * A max pool followed by a padded convolution is one step: the pool writes its maxima straight
     * into the convolution's padded buffer ({@link PaddedStep#pool}), the same values in the
     * same places as the pool then the copy; a pool whose outputs the copy does not read exactly
     * once each stays a step of its own.
     */
    static Step[] fusePools(Step[] steps) {
        if (!fuses()) {
            return steps;
        }
        List<Step> out = new ArrayList<>();
        for (int i = 0; i < steps.length; i++) {
            int[] pool = null;
            if (steps[i] instanceof WindowStep w && !w.mean() && i + 1 < steps.length && steps[i + 1] instanceof PaddedStep p
                    && p.pool() == null) {
                pool = poolInto(w, p.copy());
            }
            if (pool != null) {
                out.add(((PaddedStep) steps[i + 1]).withPool(((WindowStep) steps[i]).window(), pool));
                i++;
            } else {
                out.add(steps[i]);
            }
        }
        return out.toArray(new Step[0]);
    }

    /**
     * A padded convolution followed by another that copies its outputs whole positions at a time
     * (its copy runs each a whole number of the first's output rows of tiles) is one step: per
     * row the first writes its tiles straight into the second's padded buffer
     * ({@link PaddedStep#before}), the same sums in the same places as its output then the copy.
     */
    static Step[] fuseConvs(Step[] steps) {
        if (!fuses()) {
            return steps;
        }
        List<Step> out = new ArrayList<>();
        for (Step st : steps) {
            if (st instanceof PaddedStep b && b.pool() == null && b.before() == null && !out.isEmpty()
                    && out.get(out.size() - 1) instanceof PaddedStep a && a.rowTiles() == null) {
                PaddedStep rows = into(a, b.copy());
                if (rows != null) {
                    out.set(out.size() - 1, b.withBefore(rows));
                    continue;
                }
            }
            out.add(st);
        }
        return out.toArray(new Step[0]);
    }

    /**
     * Step a writing into the padded buffer that {@code copy} (runs src, dst, length over a's
     * outputs) fills: its tiles grouped by copy run, each at that run's dst − src; null unless
     * each run copies whole positions, every position once, and no tile crosses runs.
     */
    private static PaddedStep into(PaddedStep a, int[] copy) {
        int ld = a.unitLd();
        int positions = a.bases().length;
        int[] runOf = new int[positions];
        Arrays.fill(runOf, -1);
        for (int j = 0; j < copy.length; j += 3) {
            if (copy[j] % ld != 0 || copy[j + 2] % ld != 0 || copy[j] < 0 || copy[j] + copy[j + 2] > positions * ld) {
                return null;
            }
            for (int q = copy[j] / ld; q < (copy[j] + copy[j + 2]) / ld; q++) {
                if (runOf[q] >= 0) {
                    return null;
                }
                runOf[q] = j / 3;
            }
        }
        List<List<Integer>> groups = new ArrayList<>();
        for (int j = 0; j < copy.length; j += 3) {
            groups.add(new ArrayList<>());
        }
        for (int tile : a.tiles()) {
            int q = tile >>> 5;
            int size = Math.max(1, tile & 31);
            for (int v = q; v < q + size; v++) {
                if (runOf[v] < 0 || runOf[v] != runOf[q]) {
                    return null;
                }
            }
            groups.get(runOf[q]).add(tile);
        }
        int[][] rowTiles = new int[groups.size()][];
        int[] rowOff = new int[groups.size()];
        for (int i = 0; i < rowTiles.length; i++) {
            rowTiles[i] = groups.get(i).stream().mapToInt(Integer::intValue).toArray();
            rowOff[i] = copy[3 * i + 1] - copy[3 * i];
        }
        return a.withRows(rowTiles, rowOff);
    }

    /**
     * The window step's runs with their dst moved by the copy's runs (src, dst, length) into the
     * padded buffer, a run cut where it crosses copy runs (values the copy does not read dropped);
     * null unless each value the copy reads is written by exactly one run.
     */
    private static int[] poolInto(WindowStep w, int[] copy) {
        int stride = 2 + w.window();
        int[] hits = new int[w.ld()];
        for (int i = 0; i < w.runs().length; i += stride) {
            for (int j = 0; j < w.runs()[i + 1]; j++) {
                int at = w.runs()[i] + j;
                if (at < 0 || at >= hits.length) {
                    return null;
                }
                hits[at]++;
            }
        }
        int copied = 0;
        for (int j = 0; j < copy.length; j += 3) {
            for (int v = 0; v < copy[j + 2]; v++) {
                int at = copy[j] + v;
                if (at < 0 || at >= hits.length || hits[at] != 1) {
                    return null;
                }
                hits[at] = 2; // read once
            }
            copied += copy[j + 2];
        }
        List<Integer> runs = new ArrayList<>();
        int written = 0;
        for (int i = 0; i < w.runs().length; i += stride) {
            int dst = w.runs()[i];
            int len = w.runs()[i + 1];
            for (int j = 0; j < copy.length; j += 3) {
                int from = Math.max(dst, copy[j]);
                int to = Math.min(dst + len, copy[j] + copy[j + 2]);
                if (from >= to) {
                    continue;
                }
                runs.add(copy[j + 1] + from - copy[j]);
                runs.add(to - from);
                for (int t = 0; t < w.window(); t++) {
                    int src = w.runs()[i + 2 + t];
                    runs.add(src < 0 ? -1 : src + from - dst);
                }
                written += to - from;
            }
        }
        if (written != copied) {
            return null; // a pooled value the convolution does not read
        }
        return runs.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * A padded convolution without activation followed by a residual block's add of rows laid
     * out as its output (and a ReLU) is one step: the add (and the ReLU) in the convolution's
     * epilogue, the same sums in the same order.
     */
    private static Step[] fuseAdds(Step[] steps) {
        List<Step> out = new ArrayList<>();
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] instanceof PaddedStep s && !s.relu() && s.addDepth() < 0 && i + 1 < steps.length
                    && steps[i + 1] instanceof AddStep a && a.cols() == s.ld()) {
                boolean relu = i + 2 < steps.length && steps[i + 2] instanceof ActStep f && f.fn() == DenseKernel.Fn.RELU && f.cols() == s.ld();
                out.add(s.withAdd(a.depth(), relu));
                i += relu ? 2 : 1;
            } else {
                out.add(steps[i]);
            }
        }
        return out.toArray(new Step[0]);
    }

    /**
     * The patch step as a {@link DirectStep}: its patches cut into runs of the longest length L
     * dividing K for which every run of every patch is either padding throughout or L contiguous
     * values (a channels-last convolution's runs are a pixel's C channels, or a kernel row's;
     * L = 1 always qualifies), and W laid out {@code [K, unitLd]} row-major for the kernel.
     */
    static DirectStep direct(RawPatch p) {
        int k = p.k;
        int run = 1;
        for (int len = k; len > 1; len--) {
            if (k % len == 0 && runsOf(p.gather, p.positions, k, len)) {
                run = len;
                break;
            }
        }
        int taps = k / run;
        int[] src = new int[Math.multiplyExact(p.positions, taps)];
        for (int q = 0; q < p.positions; q++) {
            for (int t = 0; t < taps; t++) {
                src[q * taps + t] = p.gather[q * k + t * run];
            }
        }
        float[] w = new float[Math.multiplyExact(k, p.unitLd)];
        for (int u = 0; u < p.units; u++) {
            for (int j = 0; j < k; j++) {
                w[j * p.unitLd + u] = p.w[u * k + j];
            }
        }
        return new DirectStep(p.positions, taps, run, src, p.units, p.unitLd, Math.multiplyExact(p.positions, p.unitLd), w,
                Arrays.copyOf(p.bias, p.unitLd), p.relu);
    }

    /** Whether each patch's K values, cut into runs of {@code len}, are runs of padding or of contiguous places. */
    private static boolean runsOf(int[] gather, int positions, int k, int len) {
        for (int q = 0; q < positions; q++) {
            for (int r = q * k; r < (q + 1) * k; r += len) {
                int first = gather[r];
                for (int j = 1; j < len; j++) {
                    int v = gather[r + j];
                    if (first < 0 ? v >= 0 : v != first + j) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * A patch step's input as an image of H·W pixels: channels last, each pixel's channels
     * {@code cld} apart ({@code planar} false), or planar ({@code [C, H, W]} in the layers' own
     * order, {@code planar} true, cld = C).
     */
    private record Image(int height, int width, int cld, boolean planar) {
        /** The channel of place s. */
        int channel(int s) {
            return planar ? s / (height * width) : s % cld;
        }

        /** The pixel (y·W + x) of place s. */
        int pixel(int s) {
            return planar ? s % (height * width) : s / cld;
        }

        /** The place of channel c of pixel (y, x) in an image of hp × wp pixels. */
        int place(int c, int y, int x, int hp, int wp) {
            return planar ? (c * hp + y) * wp + x : (y * wp + x) * cld + c;
        }

        /** The pixels a run of {@code run} values from channel c covers along a row, or 0 when it is not whole pixels or part of one. */
        int span(int c, int run) {
            if (planar) {
                return run;
            }
            return c + run <= cld ? 1 : c == 0 && run % cld == 0 ? run / cld : 0;
        }
    }

    /** The distances between a tile's positions for which the kernels have blocks ({@link DenseKernel#convolveTiles}). */
    private static final int[] TILE_STRIDES = {1, 16, 32, 64};
    /** The positions of the kernel's widest tile by vectors of filters (1 to 4). */
    private static final int[] TILE_POSITIONS = {0, 8, 8, 8, 6};

    /**
     * The direct step {@code d} of patch step {@code p} on a zero-padded copy of its input, when
     * the input is an image ({@link Image}, channels last or planar) and the patches are a
     * convolution's: every position's taps at the same pixel offsets from an anchor pixel, those
     * outside the image padding; the padded image takes the image and every tap, the positions
     * go in tiles of consecutive positions whose anchors are one stride apart (an output row, cut
     * by {@link #rowTiles}). Null when any of that does not hold, or the stride or the filters
     * have no kernel blocks (the direct step then runs).
     */
    static PaddedStep padded(RawPatch p, DirectStep d, int index) {
        Image im = p.image;
        if (im == null || d.unitLd() > 64) {
            return null;
        }
        int taps = d.taps();
        int run = d.run();
        int[] src = d.src();
        // tap offsets (pixels) from tap 0, from a position whose taps are all inside
        int full = -1;
        for (int q = 0; q < d.positions() && full < 0; q++) {
            boolean all = true;
            for (int t = 0; t < taps && all; t++) {
                all = src[q * taps + t] >= 0;
            }
            full = all ? q : -1;
        }
        if (full < 0) {
            return null;
        }
        int[] dy = new int[taps];
        int[] dx = new int[taps];
        int[] ch = new int[taps];
        int[] spans = new int[taps];
        int pix0 = im.pixel(src[full * taps]);
        for (int t = 0; t < taps; t++) {
            int s = src[full * taps + t];
            int pix = im.pixel(s);
            dy[t] = pix / im.width - pix0 / im.width;
            dx[t] = pix % im.width - pix0 % im.width;
            ch[t] = im.channel(s);
            spans[t] = im.span(ch[t], run);
            if (spans[t] == 0) {
                return null; // a run that is not whole pixels or part of one
            }
        }
        int n = d.positions();
        int[] ay = new int[n];
        int[] ax = new int[n];
        int minY = 0;
        int maxY = im.height - 1;
        int minX = 0;
        int maxX = im.width - 1;
        for (int q = 0; q < n; q++) {
            int t1 = 0;
            while (t1 < taps && src[q * taps + t1] < 0) {
                t1++;
            }
            if (t1 == taps) {
                return null;
            }
            int pix = im.pixel(src[q * taps + t1]);
            ay[q] = pix / im.width - dy[t1];
            ax[q] = pix % im.width - dx[t1];
            for (int t = 0; t < taps; t++) {
                int y = ay[q] + dy[t];
                int x = ax[q] + dx[t];
                int s = src[q * taps + t];
                if (s >= 0 ? s != im.place(ch[t], y, x, im.height, im.width) || x + spans[t] > im.width
                        : y >= 0 && y < im.height && x + spans[t] > 0 && x < im.width) {
                    return null; // not the same taps as the full position's, or padding inside the image
                }
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x + spans[t] - 1);
            }
        }
        int hp = maxY - minY + 1;
        int wp = maxX - minX + 1;
        int[] tapOff = new int[taps];
        for (int t = 0; t < taps; t++) {
            tapOff[t] = im.place(ch[t], dy[t] - minY, dx[t] - minX, hp, wp) - im.place(0, -minY, -minX, hp, wp);
        }
        // taps that follow one another in the padded image (a kernel row's pixels) join one run
        for (int g = taps; g > 1; g--) {
            if (taps % g != 0) {
                continue;
            }
            boolean joins = true;
            for (int t = 0; t < taps && joins; t++) {
                joins = t % g == 0 || tapOff[t] == tapOff[t - 1] + run;
            }
            if (joins) {
                int[] merged = new int[taps / g];
                for (int t = 0; t < merged.length; t++) {
                    merged[t] = tapOff[t * g];
                }
                tapOff = merged;
                taps /= g;
                run *= g;
                break;
            }
        }
        int[] bases = new int[n];
        for (int q = 0; q < n; q++) {
            bases[q] = im.place(0, ay[q] - minY, ax[q] - minX, hp, wp);
        }
        int stride = n > 1 ? bases[1] - bases[0] : 0;
        if (Arrays.stream(TILE_STRIDES).noneMatch(v -> v == stride)) {
            return null;
        }
        if (stride == 1 ? run % 2 == 0 : run % 2 != 0) {
            return null; // the kernel's blocks: stride 1 with odd runs (one channel), 16 to 64 with even ones
        }
        int tile = TILE_POSITIONS[d.unitLd() / 16];
        List<Integer> tiles = new ArrayList<>();
        for (int q = 0; q < n; ) {
            int len = 1; // a row: positions whose bases are one stride apart
            while (q + len < n && bases[q + len] == bases[q + len - 1] + stride) {
                len++;
            }
            for (int size : rowTiles(len, tile)) {
                tiles.add(q << 5 | size);
                q += size;
            }
        }
        int planes = im.planar ? im.cld : 1;
        int[] copy = new int[3 * im.height * planes];
        for (int c = 0, i = 0; c < planes; c++) {
            for (int y = 0; y < im.height; y++, i += 3) {
                copy[i] = im.place(c, y, 0, im.height, im.width);
                copy[i + 1] = im.place(c, y - minY, -minX, hp, wp);
                copy[i + 2] = im.width * (im.planar ? 1 : im.cld);
            }
        }
        return new PaddedStep(index, Math.multiplyExact(hp * wp, im.cld), copy, bases, tapOff, taps, run,
                tiles.stream().mapToInt(Integer::intValue).toArray(), stride, d.units(), d.unitLd(), d.ld(), d.w(), d.bias(), d.relu(), -1, 0, null, null,
                null, null);
    }

    /**
     * A row of {@code len} positions cut into tiles of {@code tile}, 4, 2 and 1 positions at the
     * least cost, a tile of s positions costing {@code s / rate(s)}: the blocks' rates, relative,
     * guessed from their accumulators (a block of fewer than 12 waits on its FMAs' latency):
     * 14 positions go 6 + 4 + 4 rather than 6 + 6 + 2.
     */
    static int[] rowTiles(int len, int tile) {
        int[] sizes = {tile, 8, 4, 2, 1};
        double[] rate = {1.0, tile > 8 ? 0.95 : 0, 0.9, 0.55, 0.3};
        double[] best = new double[len + 1];
        int[] pick = new int[len + 1];
        for (int n = 1; n <= len; n++) {
            best[n] = Double.MAX_VALUE;
            for (int i = 0; i < sizes.length; i++) {
                if (rate[i] > 0 && sizes[i] <= n && best[n - sizes[i]] + sizes[i] / rate[i] < best[n]) {
                    best[n] = best[n - sizes[i]] + sizes[i] / rate[i];
                    pick[n] = sizes[i];
                }
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int n = len; n > 0; n -= pick[n]) {
            out.add(pick[n]);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A dense layer before packing, W column-major [in, units] (θ's layout), so that a scale and shift can fold into it. */
    private record RawDense(int in, int units, float[] w, float[] bias, boolean relu) {
    }

    /**
     * A dense product over patches before packing: W column-major [k, units] with k in the order
     * of the runs' gathers ({@code gather}: patch p's j-th value's place in the row at
     * {@code p·k + j}, −1: zero), so that a per-channel scale and shift can fold into it.
     */
    private record RawPatch(int positions, int k, int[] gather, int[] runs, int[] starts, int units, int unitLd, float[] w, float[] bias,
                            boolean relu, Image image) {
    }

    /** A layer the packed path cannot run: the message says which and why. */
    private static final class Unpackable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unpackable(String message) {
            super(message, null, false, false);
        }
    }

    /** Collects the steps the layers describe, applying the neighbour rules as they come. */
    private static final class Builder implements PackedSteps {
        /** θ, read a layer's slice at a time. */
        private final Buf theta;
        /** The kernel's vector lanes: a patch step's outputs per position are padded to them. */
        private final int lanes;
        /** RawDense, RawPatch or Step, in order. */
        final List<Object> raw = new ArrayList<>();
        /** The current row width, in the layers' own order of the features. */
        private int width;
        /**
         * Where the rows hold the features after the last step: feature i at {@code layout[i]},
         * {@link #phys} values per row in all; null when they are in the layers' own order
         * ({@code phys == width}). Patch and window steps lay their outputs out channels last.
         */
        private int[] layout;
        private int phys;
        /** The residual nesting level of the steps being added. */
        private int depth;
        /**
         * The layer describing itself: its input shape; where the next residual step's layers'
         * parameters start in θ (its slice's start, then after each block) and where its slice
         * ends; and where it is, for messages.
         */
        private long[] shape;
        private long cursor;
        private long end;
        private String where;

        Builder(INDArray theta, int lanes, int inputs) {
            this.theta = Buf.of(theta);
            this.lanes = lanes;
            this.width = inputs;
            this.phys = inputs;
        }

        /**
         * Adds the steps of {@code layers} (input shape {@code shape}, parameters from
         * {@code offset} in θ; {@code where} names their container for messages, "" at the top).
         */
        void layers(List<Layer> layers, long[] shape, long offset, String where) {
            for (int i = 0; i < layers.size(); i++) {
                Layer layer = layers.get(i);
                if (!(layer instanceof PackedLayer packed)) {
                    throw new Unpackable("the packed kernel takes layers with a packed form (PackedLayer: dense, activation, dropout, "
                            + "batch_norm, layer_norm, residual, conv2d, max_pool2d, avg_pool2d, global_avg_pool, batch_norm2d, "
                            + "residual_block, flatten, or one of your own); "
                            + where + "layer " + i + " is " + layer.type());
                }
                long[] out = layer.outputShape(shape);
                int count = Math.toIntExact(layer.parameterCount(shape));
                float[] params = new float[count];
                theta.read(Math.toIntExact(offset), params, count);
                this.shape = shape;
                this.cursor = offset;
                this.end = offset + count;
                this.where = where + "layer " + i + " (" + layer.type() + "), ";
                if (features(shape) != width) {
                    throw new IllegalStateException("the plan's width " + width + " is not " + this.where + "input " + features(shape));
                }
                packed.pack(shape.clone(), params, this);
                if (width != features(out)) {
                    throw new IllegalArgumentException("layer " + layer.type() + "'s packed steps give rows of " + width
                            + " features, its outputShape " + features(out) + "; fix its pack(...)");
                }
                offset += count;
                shape = out;
            }
        }

        private static int features(long[] shape) {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return Math.toIntExact(n);
        }

        /** The last step so far when it is a dense product without activation, else null. */
        private RawDense plainDense() {
            Object last = raw.isEmpty() ? null : raw.get(raw.size() - 1);
            return last instanceof RawDense d && !d.relu ? d : null;
        }

        /** The last step so far when it is a patch product without activation, else null. */
        private RawPatch plainPatch() {
            Object last = raw.isEmpty() ? null : raw.get(raw.size() - 1);
            return last instanceof RawPatch p && !p.relu ? p : null;
        }

        private void checkLength(String what, int length, long expected) {
            if (length != expected) {
                throw new IllegalArgumentException(what + " must hold " + expected + " values for rows of " + width + " features; got "
                        + length + " (" + where + "fix its pack(...))");
            }
        }

        /**
         * Refuses a step that works on rows of features (a dense product, softmax, layer
         * normalisation, a residual block) for a layer whose input has more than one dimension:
         * what such a layer means by it (per position? over the last axis?) is its own business,
         * and the copy path runs it.
         */
        private void flatOnly(String what) {
            if (shape.length != 1) {
                throw new Unpackable("the packed kernel takes a " + what + " step only on flat rows; " + where + "has input "
                        + Arrays.toString(shape));
            }
        }

        /** Where feature i of the current row is. */
        private int at(int i) {
            return layout == null ? i : layout[i];
        }

        /**
         * Puts the rows back into the layers' own order of the features when a step has laid them
         * out otherwise (before a step that needs it: softmax, layer normalisation, a residual
         * block's ends, the model's output).
         */
        void identityLayout() {
            if (layout == null) {
                return;
            }
            int[] src = new int[width];
            for (int i = 0; i < width; i++) {
                src[i] = layout[i];
            }
            raw.add(new GatherStep(copyRuns(src), width));
            layout = null;
            phys = width;
        }

        @Override
        public void dense(int units, float[] w, float[] bias, Activation f) {
            if (units < 1 || f == null) {
                throw new IllegalArgumentException("a dense step needs units >= 1 and an activation. Received: units=" + units + ", f=" + f);
            }
            flatOnly("dense");
            checkLength("W", w.length, (long) width * units);
            checkLength("b", bias.length, units);
            float[] wp = w;
            if (layout != null) { // W's rows where the features are (zero rows at the padding)
                wp = new float[Math.multiplyExact(phys, units)];
                for (int j = 0; j < units; j++) {
                    for (int k = 0; k < width; k++) {
                        wp[layout[k] + j * phys] = w[k + j * width];
                    }
                }
            }
            raw.add(new RawDense(phys, units, wp, bias, f.equals(Activation.RELU)));
            width = units;
            phys = units;
            layout = null;
            if (!f.equals(Activation.RELU) && !f.equals(Activation.IDENTITY)) {
                raw.add(activationStep(f, units));
            }
        }

        @Override
        public void activation(Activation f) {
            RawDense plain = plainDense();
            RawPatch patch = plainPatch();
            if (f.equals(Activation.RELU) && plain != null) {
                raw.set(raw.size() - 1, new RawDense(plain.in, plain.units, plain.w, plain.bias, true));
            } else if (f.equals(Activation.RELU) && patch != null) {
                raw.set(raw.size() - 1, new RawPatch(patch.positions, patch.k, patch.gather, patch.runs, patch.starts, patch.units, patch.unitLd,
                        patch.w, patch.bias, true, patch.image));
            } else if (!f.equals(Activation.IDENTITY)) {
                if (f.name().equals("softmax")) {
                    flatOnly("softmax");
                    identityLayout();
                }
                raw.add(activationStep(f, phys));
            }
        }

        @Override
        public void scaleShift(double[] scale, double[] shift) {
            if (shape.length != 1 && (scale.length != width || shift.length != width)) {
                flatOnly("scale and shift of " + scale.length + " values");
            }
            checkLength("scale", scale.length, width);
            checkLength("shift", shift.length, width);
            RawDense plain = plainDense();
            RawPatch patch = plainPatch();
            if (plain != null) {
                float[] w = plain.w.clone();
                float[] b = plain.bias.clone();
                for (int c = 0; c < width; c++) {
                    for (int k = 0; k < plain.in; k++) {
                        w[c * plain.in + k] = (float) (w[c * plain.in + k] * scale[c]);
                    }
                    b[c] = (float) (b[c] * scale[c] + shift[c]);
                }
                raw.set(raw.size() - 1, new RawDense(plain.in, plain.units, w, b, false));
            } else if (patch != null && perChannel(scale, shift, patch.units, patch.positions)) {
                int p = patch.positions;
                float[] w = patch.w.clone();
                float[] b = patch.bias.clone();
                for (int u = 0; u < patch.units; u++) {
                    for (int k = 0; k < patch.k; k++) {
                        w[u * patch.k + k] = (float) (w[u * patch.k + k] * scale[u * p]);
                    }
                    b[u] = (float) (b[u] * scale[u * p] + shift[u * p]);
                }
                raw.set(raw.size() - 1, new RawPatch(p, patch.k, patch.gather, patch.runs, patch.starts, patch.units, patch.unitLd, w, b, false, patch.image));
            } else {
                float[] sc = new float[phys];
                float[] sh = new float[phys];
                for (int c = 0; c < width; c++) {
                    sc[at(c)] = (float) scale[c];
                    sh[at(c)] = (float) shift[c];
                }
                raw.add(new ScaleStep(phys, sc, sh));
            }
        }

        /** Whether a scale and shift over a patch step's outputs (u·P + p) is the same for every position of each unit. */
        private static boolean perChannel(double[] scale, double[] shift, int units, int positions) {
            for (int u = 0; u < units; u++) {
                for (int p = 1; p < positions; p++) {
                    if (scale[u * positions + p] != scale[u * positions] || shift[u * positions + p] != shift[u * positions]) {
                        return false;
                    }
                }
            }
            return true;
        }

        @Override
        public void layerNorm(float[] gamma, float[] beta, double epsilon) {
            flatOnly("layer normalisation");
            checkLength("gamma", gamma.length, width);
            checkLength("beta", beta.length, width);
            identityLayout();
            raw.add(new NormStep(width, gamma, beta, (float) epsilon));
        }

        @Override
        public void patches(int positions, int[] index, int units, float[] w, float[] bias, Activation f) {
            if (positions < 1 || units < 1 || f == null || index == null || index.length % positions != 0 || index.length == 0) {
                throw new IllegalArgumentException("a patch step needs positions >= 1, units >= 1, an activation and positions·K indices. "
                        + "Received: positions=" + positions + ", units=" + units + ", f=" + f + ", indices="
                        + (index == null ? null : index.length) + " (" + where + "fix its pack(...))");
            }
            int k = index.length / positions;
            if ((long) k * units != w.length || bias.length != units) {
                throw new IllegalArgumentException("a patch step of K=" + k + " and " + units + " units needs W of " + (long) k * units
                        + " values and b of " + units + "; got " + w.length + " and " + bias.length + " (" + where + "fix its pack(...))");
            }
            int[] src = physical(index);
            // K in the order of the features' places in the most complete patch, so that the gathers are runs
            int best = 0;
            int bestValid = -1;
            for (int p = 0; p < positions && bestValid < k; p++) {
                int valid = 0;
                for (int j = 0; j < k; j++) {
                    valid += src[p * k + j] >= 0 ? 1 : 0;
                }
                if (valid > bestValid) {
                    bestValid = valid;
                    best = p;
                }
            }
            int b0 = best * k;
            Integer[] order = new Integer[k];
            for (int j = 0; j < k; j++) {
                order[j] = j;
            }
            Arrays.sort(order, (a, c) -> Integer.compare(src[b0 + a] < 0 ? Integer.MAX_VALUE : src[b0 + a],
                    src[b0 + c] < 0 ? Integer.MAX_VALUE : src[b0 + c]));
            int[] gather = new int[index.length];
            for (int p = 0; p < positions; p++) {
                for (int j = 0; j < k; j++) {
                    gather[p * k + j] = src[p * k + order[j]];
                }
            }
            float[] wk = new float[w.length];
            for (int u = 0; u < units; u++) {
                for (int j = 0; j < k; j++) {
                    wk[u * k + j] = w[u * k + order[j]];
                }
            }
            int unitLd = DenseKernels.padded(units, lanes);
            int[] starts = new int[positions + 1];
            List<Integer> runs = new ArrayList<>();
            for (int p = 0; p < positions; p++) { // runs within each patch (the executor gathers blocks of patches)
                starts[p] = runs.size();
                for (int r : copyRuns(Arrays.copyOfRange(gather, p * k, (p + 1) * k))) {
                    runs.add(r);
                }
            }
            starts[positions] = runs.size();
            raw.add(new RawPatch(positions, k, gather, runs.stream().mapToInt(Integer::intValue).toArray(), starts, units, unitLd, wk,
                    bias.clone(), f.equals(Activation.RELU), image()));
            width = Math.multiplyExact(units, positions);
            phys = Math.multiplyExact(unitLd, positions);
            layout = new int[width];
            for (int u = 0; u < units; u++) {
                for (int p = 0; p < positions; p++) {
                    layout[u * positions + p] = p * unitLd + u;
                }
            }
            if (!f.equals(Activation.RELU) && !f.equals(Activation.IDENTITY)) {
                activation(f);
            }
        }

        /**
         * The current rows as an image {@code [C, H, W]} laid out channels last (feature
         * {@code (c·H + y)·W + x} at {@code (y·W + x)·cLd + c}, cLd ≥ C), or null when the
         * layer's input is not an image or not so laid out.
         */
        private Image image() {
            if (shape.length != 3) {
                return null;
            }
            int c = Math.toIntExact(shape[0]);
            int h = Math.toIntExact(shape[1]);
            int w = Math.toIntExact(shape[2]);
            if (c > 1 && layout == null) {
                return new Image(h, w, c, true); // the layers' own order: channel planes
            }
            if (phys % (h * w) != 0 || phys / (h * w) < c) {
                return null;
            }
            int cld = phys / (h * w);
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < h * w; i++) {
                    if (at(ch * h * w + i) != i * cld + ch) {
                        return null;
                    }
                }
            }
            return new Image(h, w, cld, false);
        }

        @Override
        public void windowMax(int outputs, int[] index) {
            window(outputs, index, false);
        }

        @Override
        public void windowMean(int outputs, int[] index) {
            window(outputs, index, true);
        }

        /** A window step: the maximum or the mean of each window (padded taps adding 0 to the mean). */
        private void window(int outputs, int[] index, boolean mean) {
            if (outputs < 1 || index == null || index.length == 0 || index.length % outputs != 0) {
                throw new IllegalArgumentException("a window step needs outputs >= 1 and outputs·S indices. Received: outputs=" + outputs
                        + ", indices=" + (index == null ? null : index.length) + " (" + where + "fix its pack(...))");
            }
            int s = index.length / outputs;
            int[] src = physical(index);
            int[] first = new int[outputs];
            for (int o = 0; o < outputs; o++) {
                first[o] = -1;
                for (int t = 0; t < s && first[o] < 0; t++) {
                    first[o] = src[o * s + t];
                }
                if (first[o] < 0) {
                    throw new IllegalArgumentException("window " + o + " of a window step has only padding (" + where
                            + "fix its pack(...))");
                }
            }
            // outputs in the order of their first taps' places: channels last stays channels last
            Integer[] order = new Integer[outputs];
            for (int o = 0; o < outputs; o++) {
                order[o] = o;
            }
            Arrays.sort(order, (a, c) -> Integer.compare(first[a], first[c]));
            int[] place = new int[outputs];
            List<Integer> runs = new ArrayList<>();
            int q = 0;
            while (q < outputs) {
                int o = order[q];
                int len = 1;
                while (q + len < outputs && follows(src, s, order[q + len - 1], order[q + len])) {
                    len++;
                }
                runs.add(q);
                runs.add(len);
                for (int t = 0; t < s; t++) {
                    runs.add(src[o * s + t]);
                }
                for (int i = 0; i < len; i++) {
                    place[order[q + i]] = q + i;
                }
                q += len;
            }
            raw.add(new WindowStep(s, runs.stream().mapToInt(Integer::intValue).toArray(), outputs, mean));
            width = outputs;
            phys = outputs;
            layout = place;
        }

        /** Whether window b's taps are each one place after window a's (or both padding): the two join one run. */
        private static boolean follows(int[] src, int s, int a, int b) {
            for (int t = 0; t < s; t++) {
                int x = src[a * s + t];
                int y = src[b * s + t];
                if (x < 0 ? y >= 0 : y != x + 1) {
                    return false;
                }
            }
            return true;
        }

        /** The places of the features {@code index} names (−1 stays −1), checked against the width. */
        private int[] physical(int[] index) {
            int[] src = new int[index.length];
            for (int i = 0; i < index.length; i++) {
                int f = index[i];
                if (f < -1 || f >= width) {
                    throw new IllegalArgumentException("index " + i + " is " + f + "; features are in [0, " + width + ") and -1 is padding ("
                            + where + "fix its pack(...))");
                }
                src[i] = f < 0 ? -1 : at(f);
            }
            return src;
        }

        /** Copies into positions 0, 1, … from {@code src} (−1: a zero) as runs: triples src, dst, length. */
        private static int[] copyRuns(int[] src) {
            List<Integer> runs = new ArrayList<>();
            int i = 0;
            while (i < src.length) {
                int len = 1;
                while (i + len < src.length && (src[i] < 0 ? src[i + len] < 0 : src[i + len] == src[i] + len)) {
                    len++;
                }
                runs.add(src[i] < 0 ? -1 : src[i]);
                runs.add(i);
                runs.add(len);
                i += len;
            }
            return runs.stream().mapToInt(Integer::intValue).toArray();
        }

        @Override
        public void residual(List<Layer> layers) {
            if (layers == null || layers.isEmpty()) {
                throw new IllegalArgumentException("a residual step needs at least one layer (" + where + "fix its pack(...))");
            }
            flatOnly("residual");
            identityLayout();
            long[] blockShape = shape;
            long blockStart = cursor;
            long layerEnd = end;
            String blockWhere = where;
            long blockCount = 0;
            long[] s = blockShape;
            for (Layer l : layers) {
                blockCount += l.parameterCount(s);
                s = l.outputShape(s);
            }
            if (blockStart + blockCount > layerEnd) {
                throw new IllegalArgumentException("a residual step's layers have " + blockCount + " parameters, more than the "
                        + (layerEnd - blockStart) + " left in the layer's slice of θ (" + blockWhere + "fix its pack(...) or its parameterCount)");
            }
            int cols = width;
            int level = depth;
            raw.add(new SaveStep(level, cols));
            depth = level + 1;
            layers(layers, blockShape, blockStart, blockWhere);
            depth = level;
            if (width != cols) {
                throw new IllegalArgumentException("a residual block's layers must keep the width " + cols + "; they give " + width
                        + " (" + blockWhere + ")");
            }
            identityLayout();
            raw.add(new AddStep(level, cols));
            shape = blockShape; // the layer that called may describe more steps
            cursor = blockStart + blockCount;
            end = layerEnd;
            where = blockWhere;
        }

        @Override
        public void residual(List<Layer> main, List<Layer> shortcut, Activation f) {
            if (main == null || main.isEmpty() || shortcut == null || f == null) {
                throw new IllegalArgumentException("a residual step with a shortcut needs at least one main layer, a shortcut list (empty: "
                        + "the identity) and an activation. Received: main=" + main + ", shortcut=" + shortcut + ", f=" + f + " ("
                        + where + "fix its pack(...))");
            }
            long[] blockShape = shape;
            long blockStart = cursor;
            long layerEnd = end;
            String blockWhere = where;
            long mainCount = parameters(main, blockShape);
            long shortCount = parameters(shortcut, blockShape);
            if (blockStart + mainCount + shortCount > layerEnd) {
                throw new IllegalArgumentException("a residual step's branches have " + (mainCount + shortCount) + " parameters, more than "
                        + "the " + (layerEnd - blockStart) + " left in the layer's slice of θ (" + blockWhere
                        + "fix its pack(...) or its parameterCount)");
            }
            int width0 = width;
            int[] layout0 = layout;
            int phys0 = phys;
            int level = depth;
            raw.add(new SaveStep(level, phys0));
            depth = level + 2; // level + 1 keeps the main branch's output while the shortcut runs
            layers(main, blockShape, blockStart, blockWhere);
            int width1 = width;
            int[] layout1 = layout;
            int phys1 = phys;
            if (shortcut.isEmpty() && phys1 == phys0 && Arrays.equals(layout1, layout0)) {
                raw.add(new AddStep(level, phys1)); // the identity, laid out alike: the input saved is the shortcut
            } else {
                raw.add(new SaveStep(level + 1, phys1));
                raw.add(new LoadStep(level, phys0));
                width = width0;
                layout = layout0;
                phys = phys0;
                layers(shortcut, blockShape, blockStart + mainCount, blockWhere);
                if (width != width1) {
                    throw new IllegalArgumentException("a residual step's branches must give the same width; the main branch gives " + width1
                            + " and the shortcut " + width + " (" + blockWhere + "fix its pack(...))");
                }
                if (phys != phys1 || !Arrays.equals(layout, layout1)) { // the shortcut's rows put where the main branch's lie
                    int[] src = new int[phys1];
                    Arrays.fill(src, -1);
                    for (int i = 0; i < width1; i++) {
                        src[layout1 == null ? i : layout1[i]] = at(i);
                    }
                    raw.add(new GatherStep(copyRuns(src), phys1));
                }
                raw.add(new AddStep(level + 1, phys1));
            }
            depth = level;
            width = width1;
            layout = layout1;
            phys = phys1;
            shape = blockShape;
            activation(f); // a step of its own: nothing fuses into an add
            cursor = blockStart + mainCount + shortCount; // the layer that called may describe more steps
            end = layerEnd;
            where = blockWhere;
        }

        /** The parameters of {@code layers} in a chain from {@code shape}. */
        private static long parameters(List<Layer> layers, long[] shape) {
            long n = 0;
            long[] s = shape;
            for (Layer l : layers) {
                n += l.parameterCount(s);
                s = l.outputShape(s);
            }
            return n;
        }

        private static Step activationStep(Activation f, int cols) {
            return switch (f.name()) {
                case "softmax" -> new SoftmaxStep(cols);
                case "relu" -> new ActStep(DenseKernel.Fn.RELU, 0, cols);
                case "leaky_relu" -> new ActStep(DenseKernel.Fn.LEAKY_RELU, (float) f.alpha(), cols);
                case "gelu" -> new ActStep(DenseKernel.Fn.GELU, 0, cols);
                case "gelu_erf" -> new ActStep(DenseKernel.Fn.GELU_ERF, 0, cols);
                case "tanh" -> new ActStep(DenseKernel.Fn.TANH, 0, cols);
                case "sigmoid" -> new ActStep(DenseKernel.Fn.SIGMOID, 0, cols);
                default -> throw new IllegalStateException("no packed step for " + f);
            };
        }
    }
}
