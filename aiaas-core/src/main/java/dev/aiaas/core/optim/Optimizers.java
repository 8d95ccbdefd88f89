package dev.aiaas.core.optim;

import dev.aiaas.core.math.Buf;
import dev.aiaas.core.kernel.Parallel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The catalogue of optimisers. With g = ∇θ, η the learning rate and t the step:
 *
 * <table>
 *   <caption>Update rules</caption>
 *   <tr><th>factory</th><th>update</th></tr>
 *   <tr><td>{@link #sgd(double)}</td><td>θ ← θ − η g</td></tr>
 *   <tr><td>{@link #momentum(double, double)}</td><td>v ← μv + g; θ ← θ − η v (PyTorch's form)</td></tr>
 *   <tr><td>{@link #nesterov(double, double)}</td><td>v ← μv + g; θ ← θ − η (g + μv) (Sutskever et al. 2013, PyTorch's form)</td></tr>
 *   <tr><td>{@link #adam(double)}</td><td>m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε)
 *       (Kingma and Ba 2015, section 2's efficient form, as DL4J computes it)</td></tr>
 *   <tr><td>{@link #adamW(double, double)}</td><td>θ ← θ(1 − ηλ), then Adam (Loshchilov and Hutter 2019: decoupled weight decay)</td></tr>
 *   <tr><td>{@link #rmsProp(double)}</td><td>s ← ρs + (1−ρ)g²; θ ← θ − η g/(√s + ε) (Tieleman and Hinton 2012)</td></tr>
 *   <tr><td>{@link #adaGrad(double)}</td><td>s ← s + g²; θ ← θ − η g/(√s + ε) (Duchi et al. 2011)</td></tr>
 * </table>
 *
 * Each runs as one loop over heap copies of θ and ∇θ (see {@link HeapState}), allocating nothing after the first step.
 */
public final class Optimizers {
    private Optimizers() {
    }

    /** The valid names. */
    public static final List<String> NAMES = List.of("sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad");

    /**
     * Plain stochastic gradient descent.
     *
     * @param learningRate η &gt; 0
     * @return the optimiser
     */
    public static Sgd sgd(double learningRate) {
        return new Sgd("sgd", learningRate, 0);
    }

    /**
     * SGD with classical momentum μ (0.9 is usual).
     *
     * @param learningRate η &gt; 0
     * @param momentum     μ in [0, 1)
     * @return the optimiser
     */
    public static Sgd momentum(double learningRate, double momentum) {
        return new Sgd("momentum", learningRate, momentum);
    }

    /**
     * SGD with Nesterov momentum μ.
     *
     * @param learningRate η &gt; 0
     * @param momentum     μ in [0, 1)
     * @return the optimiser
     */
    public static Sgd nesterov(double learningRate, double momentum) {
        return new Sgd("nesterov", learningRate, momentum);
    }

    /**
     * Adam with β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
     *
     * @param learningRate η &gt; 0 (1e-3 is usual)
     * @return the optimiser
     */
    public static Adam adam(double learningRate) {
        return new Adam(learningRate, 0.9, 0.999, 1e-8, 0);
    }

    /**
     * AdamW: Adam with decoupled weight decay λ (0.01 in PyTorch).
     *
     * @param learningRate η &gt; 0
     * @param weightDecay  λ ≥ 0
     * @return the optimiser
     */
    public static Adam adamW(double learningRate, double weightDecay) {
        return new Adam(learningRate, 0.9, 0.999, 1e-8, weightDecay);
    }

    /**
     * RMSProp with ρ = 0.9, ε = 1e-7 (Keras's defaults).
     *
     * @param learningRate η &gt; 0 (1e-3 in Keras)
     * @return the optimiser
     */
    public static Scaled rmsProp(double learningRate) {
        return new Scaled("rmsprop", learningRate, 0.9, 1e-7);
    }

    /**
     * AdaGrad with ε = 1e-7.
     *
     * @param learningRate η &gt; 0
     * @return the optimiser
     */
    public static Scaled adaGrad(double learningRate) {
        return new Scaled("adagrad", learningRate, 0, 1e-7);
    }

    static void checkRate(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("learningRate must be positive and finite. Received: learningRate=" + lr);
        }
    }

    static void checkUnit(String name, double v, boolean allowZero) {
        if (!(v < 1) || (allowZero ? v < 0 : v <= 0) || Double.isNaN(v)) {
            throw new IllegalArgumentException(name + " must be in " + (allowZero ? "[0, 1)" : "(0, 1)") + ". Received: " + name + "=" + v);
        }
    }

    /** State of {@code n} zeroed arrays of {@code size} elements in θ's type, with scratch space for θ and ∇θ. */
    static HeapState heapState(int n, long size, DataType dataType) {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("at most " + Integer.MAX_VALUE + " parameters. Received: " + size);
        }
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("expected FLOAT or DOUBLE parameters, got " + dataType);
        }
        return new HeapState(n, (int) size, dataType == DataType.FLOAT);
    }

    /**
     * Optimiser state on the Java heap in θ's type, stored in chunks of {@value HeapState#CHUNK}
     * elements, and per-thread scratch chunks that a step copies θ and ∇θ into. The JIT
     * vectorises a loop over heap arrays but not one over ND4J's direct buffers (measured, Adam
     * over 203,530 floats with caches cold as in a training step: 0.37 ms with bulk copies in and
     * out, against 0.9-1.0 ms over direct buffers); and it vectorises only loops that index every
     * array alike, which chunked state and chunk-sized scratch allow without full-size copies of
     * θ and ∇θ (measured with the {@code StepPhases} harness and
     * {@code -Daiaas.optimizer.singleThread=true}, Adam's phase of the MLP 784-256-10 step: 0.26-0.27
     * ms minimum with full-size heap copies of θ and ∇θ, 0.21 ms chunked: the scratch stays in the
     * L1 cache).
     */
    static final class HeapState implements Optimizer.State {
        /** The state is flushed of subnormals in this many rotating parts, one per step. */
        static final int FLUSH_CHUNKS = 16;
        /** Elements per chunk of state and scratch (floats: 16 KB per array). */
        static final int CHUNK = 4096;
        /** State array k's elements [c·CHUNK, c·CHUNK + CHUNK) are {@code af[k][c]} (the last chunk is shorter). */
        final float[][][] af;
        final double[][][] ad;
        /** Scratch chunks for θ and ∇θ, one per lane: lane 0 for the calling thread, 1.. for the workers. */
        final Lane[] lanes;
        private final int size;
        private final int chunks;
        /** How many threads steps share their chunks among: decided once, when the state is made. */
        private final int threads;

        /** One thread's scratch chunks for θ and ∇θ (one type is used). */
        static final class Lane {
            final float[] pf;
            final float[] gf;
            final double[] pd;
            final double[] gd;

            Lane(boolean f32) {
                pf = f32 ? new float[CHUNK] : null;
                gf = f32 ? new float[CHUNK] : null;
                pd = f32 ? null : new double[CHUNK];
                gd = f32 ? null : new double[CHUNK];
            }
        }

        HeapState(int n, int size, boolean f32) {
            this.size = size;
            this.chunks = (size + CHUNK - 1) / CHUNK;
            this.threads = threadsFor(size);
            af = f32 ? new float[n][chunks][] : null;
            ad = f32 ? null : new double[n][chunks][];
            for (int k = 0; k < n; k++) {
                for (int c = 0; c < chunks; c++) {
                    int len = chunkLength(c);
                    if (f32) {
                        af[k][c] = new float[len];
                    } else {
                        ad[k][c] = new double[len];
                    }
                }
            }
            lanes = new Lane[threads];
            for (int l = 0; l < threads; l++) {
                lanes[l] = new Lane(f32);
            }
        }

        private int chunkLength(int c) {
            return Math.min(CHUNK, size - c * CHUNK);
        }

        boolean f32() {
            return af != null;
        }

        @Override
        public int arrayCount() {
            return f32() ? af.length : ad.length;
        }

        @Override
        public INDArray copyOut(int i) {
            if (f32()) {
                float[] all = new float[size];
                for (int c = 0; c < chunks; c++) {
                    System.arraycopy(af[i][c], 0, all, c * CHUNK, chunkLength(c));
                }
                return Nd4j.createFromArray(all);
            }
            double[] all = new double[size];
            for (int c = 0; c < chunks; c++) {
                System.arraycopy(ad[i][c], 0, all, c * CHUNK, chunkLength(c));
            }
            return Nd4j.createFromArray(all);
        }

        @Override
        public void copyIn(int i, INDArray values) {
            if (values.length() != size) {
                throw new IllegalArgumentException("state array " + i + " holds " + size + " values; got " + values.length());
            }
            if (f32()) {
                float[] all = values.data().asFloat(); // converts DOUBLE values too
                for (int c = 0; c < chunks; c++) {
                    System.arraycopy(all, c * CHUNK, af[i][c], 0, chunkLength(c));
                }
            } else {
                double[] all = values.data().asDouble();
                for (int c = 0; c < chunks; c++) {
                    System.arraycopy(all, c * CHUNK, ad[i][c], 0, chunkLength(c));
                }
            }
        }

        /** An update rule over one chunk of a state: θ and ∇θ in the lane's scratch, the state at {@code af[k][chunk]}. */
        @FunctionalInterface
        interface Kernel {
            void run(HeapState s, int chunk, int len, Lane lane);
        }

        /**
         * How many threads a state of {@code size} elements shares its steps among
         * ({@link Parallel}): one per {@link #MIN_LANE} elements, at most {@link Parallel#threads()}
         * (read once per optimiser state); 1 with {@code -Daiaas.optimizer.singleThread=true}. So a
         * state shares at all from {@link #MIN_SPLIT} elements, as it did with two threads. Each
         * element's update is independent of the others and the chunks are fixed
         * ({@value #CHUNK} elements), so the result is the same bit for bit for any thread count
         * however the chunks fall between the threads.
         *
         * <p>Measured ({@code StepPhases}, Adam's phase of the MLP 784-256-10 step, 203,530 floats,
         * minimum of 1,000 on the 2-core machine): 0.21 ms on one thread, 0.13-0.14 ms shared.
         */
        static int threadsFor(int size) {
            return SHARE ? Parallel.lanes(size, MIN_LANE) : 1;
        }

        /**
         * The least elements worth another thread: 16 chunks, about 65 us of Adam on one core
         * (1 ns per element, above), beside a handoff of a few microseconds.
         */
        static final int MIN_LANE = 16 * CHUNK;
        /** Below this many elements one thread does it all. */
        static final int MIN_SPLIT = 2 * MIN_LANE;
        private static final boolean SHARE = !Boolean.getBoolean("aiaas.optimizer.singleThread");

        private Buf params;
        private Buf grads;

        /** Checks θ and ∇θ against this state and remembers them for the step. */
        void bind(INDArray params, INDArray grads) {
            if (params.length() != size) {
                throw new IllegalArgumentException("this state is for " + size + " parameters; got " + params.length());
            }
            DataType want = f32() ? DataType.FLOAT : DataType.DOUBLE;
            if (params.dataType() != want || grads.dataType() != want) {
                throw new IllegalArgumentException("this state is for " + want + " parameters; got " + params.dataType()
                        + " and " + grads.dataType() + " gradients");
            }
            this.params = Buf.of(params);
            this.grads = Buf.of(grads);
        }

        /**
         * One step of an element-wise update rule: a chunk at a time, θ and ∇θ are copied into the
         * lane's scratch, {@code kernel} runs over it and the chunk's state, and θ is copied back,
         * on {@link #threads()} threads ({@link Parallel}); then a sixteenth of the state is flushed of
         * subnormals.
         */
        void update(long t, Kernel kernel) {
            this.kernel = kernel;
            try {
                Parallel.run(threads, chunks, chunked);
            } finally {
                this.kernel = null;
            }
            flushSubnormals(t);
            unbind();
        }

        /** The update rule of the step in progress. */
        private Kernel kernel;
        /** Loads, updates and stores one chunk of θ (made once: a step allocates nothing). */
        private final Parallel.Task chunked = (c, lane) -> {
            Lane l = lane(lane);
            int from = c * CHUNK;
            int len = chunkLength(c);
            if (l.pf != null) {
                params.read(from, l.pf, len);
                grads.read(from, l.gf, len);
                kernel.run(this, c, len, l);
                params.write(from, l.pf, len);
            } else {
                params.read(from, l.pd, len);
                grads.read(from, l.gd, len);
                kernel.run(this, c, len, l);
                params.write(from, l.pd, len);
            }
        };

        /** The update rule of the last step, and the optimiser it was made for. */
        private Kernel rule;
        private Optimizer ruleOwner;

        /**
         * The update rule {@code owner} steps this state with, made by {@code make} on its first step
         * (and again if another optimiser stepped the state since): a rule holds the step's scalars
         * (learning rate, bias corrections) in fields, so a step makes no lambda.
         */
        @SuppressWarnings("unchecked")
        <O extends Optimizer, K extends Kernel> K rule(O owner, java.util.function.Function<O, K> make) {
            if (rule == null || !owner.equals(ruleOwner)) {
                rule = make.apply(owner);
                ruleOwner = owner;
            }
            return (K) rule; // made for an equal owner, so by the same make
        }

        /** Forgets θ and ∇θ (the step is over). */
        void unbind() {
            params = null;
            grads = null;
        }

        int size() {
            return size;
        }

        /** Lane {@code i}'s scratch (a method: {@link #chunked} is made before the constructor makes the lanes). */
        private Lane lane(int i) {
            return lanes[i];
        }

        /** {@return how many threads steps share their chunks among} */
        int threads() {
            return threads;
        }

        /**
         * Flushes subnormal values in the float state to zero, one sixteenth of the arrays per
         * step (the part chosen by t, so a resumed run flushes as an uninterrupted one does).
         *
         * <p>A parameter whose gradient stays 0 (the weight of a pixel that is always blank) has
         * moments that decay geometrically into the subnormal range, where every arithmetic
         * instruction takes a microcode assist of ~100 cycles (measured: Adam 5.7 ms against 0.6
         * ms per step of the MLP 784-256-10 without any flush). A flush inside the update loop
         * stops the JIT from vectorising it (measured, Adam over 203,530 floats: 0.51-0.61 ms with
         * the flush in the loop, 0.12-0.14 ms without); flushing a rotating sixteenth here bounds a
         * value's time in the subnormal range to 16 steps at a cost of ~0.02 ms per step. Values
         * in float64 state are left alone: they take ~700,000 steps of decay to get there.
         */
        void flushSubnormals(long t) {
            if (af == null) {
                return;
            }
            int part = (int) Math.floorMod(t, FLUSH_CHUNKS);
            int from = (int) ((long) size * part / FLUSH_CHUNKS);
            int to = (int) ((long) size * (part + 1) / FLUSH_CHUNKS);
            for (float[][] a : af) {
                for (int e = from; e < to; ) {
                    float[] chunk = a[e / CHUNK];
                    int base = (e / CHUNK) * CHUNK;
                    int end = Math.min(to, base + chunk.length);
                    for (int i = e - base; i < end - base; i++) {
                        if (Math.abs(chunk[i]) < Float.MIN_NORMAL) {
                            chunk[i] = 0f;
                        }
                    }
                    e = end;
                }
            }
        }

        @Override
        public void close() {
            // heap arrays only: nothing native to free
        }
    }

    /** Checks the arrays and the state, and binds θ and ∇θ to it for the step. */
    static HeapState heap(INDArray params, INDArray grads, Optimizer.State state) {
        checkLengths(params, grads);
        if (!(state instanceof HeapState s)) {
            throw new IllegalArgumentException("expected the state this optimiser's newState made; got "
                    + (state == null ? "null" : state.getClass().getName()));
        }
        s.bind(params, grads);
        return s;
    }

    static void checkLengths(INDArray params, INDArray grads) {
        if (params.length() != grads.length()) {
            throw new IllegalArgumentException("params and grads differ in length: " + params.length() + " and " + grads.length());
        }
    }

    /**
     * SGD, momentum or Nesterov.
     *
     * @param name         {@code sgd}, {@code momentum} or {@code nesterov}
     * @param learningRate η &gt; 0
     * @param momentum     μ in [0, 1); 0 for plain SGD
     */
    public record Sgd(String name, double learningRate, double momentum) implements Optimizer {
        /**
         * Validates the settings.
         *
         * @param name         {@code sgd}, {@code momentum} or {@code nesterov}
         * @param learningRate η &gt; 0
         * @param momentum     μ in [0, 1); 0 for plain SGD
         */
        public Sgd {
            if (!List.of("sgd", "momentum", "nesterov").contains(name)) {
                throw new IllegalArgumentException("Unknown SGD variant '" + name + "'; expected sgd, momentum or nesterov");
            }
            checkRate(learningRate);
            checkUnit("momentum", momentum, true);
            if (name.equals("sgd") && momentum != 0) {
                throw new IllegalArgumentException("plain sgd takes no momentum; use Optimizers.momentum(lr, " + momentum + ")");
            }
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("learning_rate", learningRate);
            m.put("momentum", momentum);
            return m;
        }

        @Override
        public Optimizer.State newState(long size, DataType dataType) {
            return heapState(name.equals("sgd") ? 0 : 1, size, dataType);
        }

        @Override
        public void step(INDArray params, INDArray grads, Optimizer.State state, double lr, long t) {
            HeapState s = heap(params, grads, state);
            Rule r = s.rule(this, Rule::new);
            r.lr = lr;
            s.update(t, r);
        }

        /** This optimiser's update over one chunk, with the step's learning rate. */
        private static final class Rule implements HeapState.Kernel {
            final Sgd owner;
            final boolean nesterov;
            final boolean plain;
            double lr;

            Rule(Sgd owner) {
                this.owner = owner;
                this.nesterov = owner.name.equals("nesterov");
                this.plain = owner.name.equals("sgd");
            }

            @Override
            public void run(HeapState s, int chunk, int len, HeapState.Lane lane) {
                owner.range(s, chunk, len, lane, lr, nesterov, plain);
            }
        }

        /** Updates one chunk: θ and ∇θ in the lane's scratch, the state's chunk {@code chunk}, {@code len} elements. */
        private void range(HeapState s, int chunk, int len, HeapState.Lane lane, double lr, boolean nesterov, boolean plain) {
            if (s.f32()) {
                float[] p = lane.pf;
                float[] g = lane.gf;
                float eta = (float) lr;
                float mu = (float) momentum;
                if (plain) {
                    for (int i = 0; i < len; i++) {
                        p[i] -= eta * g[i];
                    }
                } else {
                    float[] v = s.af[0][chunk];
                    for (int i = 0; i < len; i++) {
                        float vi = mu * v[i] + g[i];
                        v[i] = vi;
                        p[i] -= eta * (nesterov ? g[i] + mu * vi : vi);
                    }
                }
            } else {
                double[] p = lane.pd;
                double[] g = lane.gd;
                if (plain) {
                    for (int i = 0; i < len; i++) {
                        p[i] -= lr * g[i];
                    }
                } else {
                    double[] v = s.ad[0][chunk];
                    for (int i = 0; i < len; i++) {
                        double vi = momentum * v[i] + g[i];
                        v[i] = vi;
                        p[i] -= lr * (nesterov ? g[i] + momentum * vi : vi);
                    }
                }
            }
        }
    }

    /**
     * Adam, or AdamW when {@code weightDecay} &gt; 0.
     *
     * @param learningRate η &gt; 0
     * @param beta1        β₁ in [0, 1)
     * @param beta2        β₂ in [0, 1)
     * @param epsilon      ε &gt; 0
     * @param weightDecay  decoupled weight decay λ ≥ 0
     */
    public record Adam(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) implements Optimizer {
        /**
         * Validates the settings.
         *
         * @param learningRate η &gt; 0
         * @param beta1        β₁ in [0, 1)
         * @param beta2        β₂ in [0, 1)
         * @param epsilon      ε &gt; 0
         * @param weightDecay  decoupled weight decay λ ≥ 0
         */
        public Adam {
            checkRate(learningRate);
            checkUnit("beta1", beta1, true);
            checkUnit("beta2", beta2, true);
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("epsilon must be positive. Received: epsilon=" + epsilon);
            }
            if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
                throw new IllegalArgumentException("weightDecay must be non-negative. Received: weightDecay=" + weightDecay);
            }
        }

        /**
         * A copy with other β₁, β₂.
         *
         * @param beta1 β₁ in [0, 1)
         * @param beta2 β₂ in [0, 1)
         * @return the new settings
         */
        public Adam withBetas(double beta1, double beta2) {
            return new Adam(learningRate, beta1, beta2, epsilon, weightDecay);
        }

        /**
         * A copy with another ε.
         *
         * @param epsilon ε &gt; 0
         * @return the new settings
         */
        public Adam withEpsilon(double epsilon) {
            return new Adam(learningRate, beta1, beta2, epsilon, weightDecay);
        }

        @Override
        public String name() {
            return weightDecay > 0 ? "adamw" : "adam";
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name());
            m.put("learning_rate", learningRate);
            m.put("beta1", beta1);
            m.put("beta2", beta2);
            m.put("epsilon", epsilon);
            m.put("weight_decay", weightDecay);
            return m;
        }

        @Override
        public Optimizer.State newState(long size, DataType dataType) {
            return heapState(2, size, dataType);
        }

        @Override
        public void step(INDArray params, INDArray grads, Optimizer.State state, double lr, long t) {
            HeapState s = heap(params, grads, state);
            double alpha = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
            Rule r = s.rule(this, Rule::new);
            r.alpha = alpha;
            r.decay = 1 - lr * weightDecay;
            s.update(t, r);
        }

        /** This optimiser's update over one chunk, with the step's scalars. */
        private static final class Rule implements HeapState.Kernel {
            final Adam owner;
            double alpha;
            double decay;

            Rule(Adam owner) {
                this.owner = owner;
            }

            @Override
            public void run(HeapState s, int chunk, int len, HeapState.Lane lane) {
                owner.range(s, chunk, len, lane, alpha, decay);
            }
        }

        /** Updates one chunk: θ and ∇θ in the lane's scratch, the state's chunk {@code chunk}, {@code len} elements. */
        private void range(HeapState s, int chunk, int len, HeapState.Lane lane, double alpha, double decay) {
            if (s.f32()) {
                float b1 = (float) beta1;
                float b2 = (float) beta2;
                float c1 = (float) (1 - beta1);
                float c2 = (float) (1 - beta2);
                float a = (float) alpha;
                float dec = (float) decay;
                float eps = (float) epsilon;
                float[] p = lane.pf;
                float[] g = lane.gf;
                float[] m = s.af[0][chunk];
                float[] v = s.af[1][chunk];
                for (int i = 0; i < len; i++) {
                    float gi = g[i];
                    float mi = b1 * m[i] + c1 * gi;
                    float vi = b2 * v[i] + c2 * gi * gi;
                    m[i] = mi;
                    v[i] = vi;
                    p[i] = p[i] * dec - a * mi / ((float) Math.sqrt(vi) + eps);
                }
            } else {
                double c1 = 1 - beta1;
                double c2 = 1 - beta2;
                double[] p = lane.pd;
                double[] g = lane.gd;
                double[] m = s.ad[0][chunk];
                double[] v = s.ad[1][chunk];
                for (int i = 0; i < len; i++) {
                    double gi = g[i];
                    double mi = beta1 * m[i] + c1 * gi;
                    double vi = beta2 * v[i] + c2 * gi * gi;
                    m[i] = mi;
                    v[i] = vi;
                    p[i] = p[i] * decay - alpha * mi / (Math.sqrt(vi) + epsilon);
                }
            }
        }
    }

    /**
     * RMSProp or AdaGrad: steps scaled by a running sum of squared gradients.
     *
     * @param name         {@code rmsprop} or {@code adagrad}
     * @param learningRate η &gt; 0
     * @param rho          ρ in (0, 1) for RMSProp; 0 for AdaGrad
     * @param epsilon      ε &gt; 0
     */
    public record Scaled(String name, double learningRate, double rho, double epsilon) implements Optimizer {
        /**
         * Validates the settings.
         *
         * @param name         {@code rmsprop} or {@code adagrad}
         * @param learningRate η &gt; 0
         * @param rho          ρ in (0, 1) for RMSProp; 0 for AdaGrad
         * @param epsilon      ε &gt; 0
         */
        public Scaled {
            checkRate(learningRate);
            if (name.equals("rmsprop")) {
                checkUnit("rho", rho, false);
            } else if (name.equals("adagrad")) {
                if (rho != 0) {
                    throw new IllegalArgumentException("adagrad takes no rho. Received: rho=" + rho);
                }
            } else {
                throw new IllegalArgumentException("Unknown variant '" + name + "'; expected rmsprop or adagrad");
            }
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("epsilon must be positive. Received: epsilon=" + epsilon);
            }
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("learning_rate", learningRate);
            m.put("rho", rho);
            m.put("epsilon", epsilon);
            return m;
        }

        @Override
        public Optimizer.State newState(long size, DataType dataType) {
            return heapState(1, size, dataType);
        }

        @Override
        public void step(INDArray params, INDArray grads, Optimizer.State state, double lr, long t) {
            HeapState s = heap(params, grads, state);
            Rule r = s.rule(this, Rule::new);
            r.lr = lr;
            s.update(t, r);
        }

        /** This optimiser's update over one chunk, with the step's learning rate. */
        private static final class Rule implements HeapState.Kernel {
            final Scaled owner;
            final boolean rms;
            double lr;

            Rule(Scaled owner) {
                this.owner = owner;
                this.rms = owner.name.equals("rmsprop");
            }

            @Override
            public void run(HeapState s, int chunk, int len, HeapState.Lane lane) {
                owner.range(s, chunk, len, lane, lr, rms);
            }
        }

        /** Updates one chunk: θ and ∇θ in the lane's scratch, the state's chunk {@code chunk}, {@code len} elements. */
        private void range(HeapState s, int chunk, int len, HeapState.Lane lane, double lr, boolean rms) {
            if (s.f32()) {
                float[] p = lane.pf;
                float[] g = lane.gf;
                float[] acc = s.af[0][chunk];
                float r = (float) rho;
                float c = (float) (1 - rho);
                float eta = (float) lr;
                float eps = (float) epsilon;
                for (int i = 0; i < len; i++) {
                    float gi = g[i];
                    float si = rms ? r * acc[i] + c * gi * gi : acc[i] + gi * gi;
                    acc[i] = si;
                    p[i] -= eta * gi / ((float) Math.sqrt(si) + eps);
                }
            } else {
                double[] p = lane.pd;
                double[] g = lane.gd;
                double[] acc = s.ad[0][chunk];
                for (int i = 0; i < len; i++) {
                    double gi = g[i];
                    double si = rms ? rho * acc[i] + (1 - rho) * gi * gi : acc[i] + gi * gi;
                    acc[i] = si;
                    p[i] -= lr * gi / (Math.sqrt(si) + epsilon);
                }
            }
        }
    }
}
