package dev.aiaas.core.io;

import dev.aiaas.core.Versions;
import dev.aiaas.core.backend.NativeMemoryException;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Saves and loads models in aiaas's own versioned format; no Java serialisation.
 *
 * <p>Layout (big-endian): the 8 ASCII bytes {@code AIAASMDL}; the format version (int); the
 * header's length (int) and the header, UTF-8 {@code key=value} lines, each key once
 * (architecture, data type, seed, provenance, optimiser settings); the number of arrays (int, 1 to
 * 8), then each array as its type (byte: 1 float32, 2 float64), its length (long) and its values,
 * little-endian; finally the CRC-32 (long) of every byte before it. Array 0 is θ, in the model's
 * data type; a checkpoint adds the optimiser's state.
 *
 * <p>Loading checks before it allocates. The CRC is checked first (streamed, nothing held); then
 * every size the file declares is checked against the bytes the file actually holds and against
 * the load's limits ({@link LoadOptions}: parameters, layers, nesting depth, header size): the
 * header's length, the arrays' lengths, the number of layers and of a block's children, the
 * input and output shapes (at most 2^31 − 1 values per example), and the parameter count the
 * layers need (computed in exact arithmetic from their shapes), which must equal the header's
 * {@code parameters} and θ's length. Only then is θ allocated (checked once more against the
 * native memory available), and the values are streamed in, each required to be finite unless
 * {@link LoadOptions#allowNonFinite()}. Whatever is wrong with a file, loading it ends in a
 * {@link ModelFormatException} that names the file and the fault; no other exception, no
 * allocation the file's bytes do not back, no recursion deeper than {@link LoadOptions#maxDepth()}.
 *
 * <p>Writes are atomic ({@link AtomicFiles}): the file is written beside the target and moved
 * over it, so a failure leaves any earlier file as it was, and temporary files that a killed
 * process left are removed by the next save of the same target. A reader takes every format
 * version up to {@link #FORMAT_VERSION} and rejects newer ones, saying so.
 */
public final class ModelIO {

    /** The newest format version this library writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private ModelIO() {
    }

    /**
     * A model with its optimiser and the optimiser's state at a step: what resuming training needs.
     *
     * @param model      the model, its parameters as saved
     * @param optimizer  the optimiser, with the saved settings
     * @param state      the optimiser's state arrays (moments and the like), as saved
     * @param step       the optimiser steps taken before the save; training resumes at step + 1
     * @param provenance the saved provenance entries, without the {@code provenance.} prefix
     */
    public record Checkpoint(Model model, Optimizer optimizer, Optimizer.State state, long step, Map<String, String> provenance)
            implements AutoCloseable {
        /** Closes the state and the model. */
        @Override
        public void close() {
            state.close();
            model.close();
        }
    }

    /**
     * The limits of a load, which protect the process reading a file that may be corrupt or
     * hostile: every size the file declares is checked against them, and against the bytes the
     * file actually holds, before anything of that size is allocated. An immutable, validated
     * record; {@link #defaults()} are what {@link ModelIO#load(Path)} uses.
     *
     * <pre>{@code
     * // a server that accepts models of up to 10 million parameters from its users
     * ModelIO.LoadOptions limits = ModelIO.LoadOptions.defaults().withMaxParameters(10_000_000);
     * try (Model m = ModelIO.load(upload, limits)) { ... }
     * }</pre>
     *
     * @param maxParameters  the most parameters (values of θ, and of each optimiser state array), 1 to
     *                       {@link Integer#MAX_VALUE} (the most one model holds); default
     *                       {@value #DEFAULT_MAX_PARAMETERS}
     * @param maxLayers      the most layers, nested ones included, 1 to {@link Integer#MAX_VALUE};
     *                       default {@value #DEFAULT_MAX_LAYERS}
     * @param maxDepth       the deepest layers may nest (a model's own layers are at depth 1, a
     *                       residual block's layers at 2), 1 to {@link Model#MAX_NESTING}; default
     *                       {@value #DEFAULT_MAX_DEPTH}
     * @param maxHeaderBytes the largest text header (architecture, provenance, a language model's
     *                       vocabulary, a table model's categories), in bytes, 64 to 2^30; default
     *                       {@value #DEFAULT_MAX_HEADER_BYTES} (16 MiB; reading a header takes about twice its size on the heap)
     * @param allowNonFinite whether parameters and optimiser state may be NaN or infinite (to
     *                       inspect a model saved after training diverged); default false: such a
     *                       file is refused, naming the first bad value
     */
    public record LoadOptions(long maxParameters, int maxLayers, int maxDepth, int maxHeaderBytes, boolean allowNonFinite) {

        /** The default of {@link #maxParameters()}: 2^30, a 4 GiB float32 θ. */
        public static final long DEFAULT_MAX_PARAMETERS = 1L << 30;
        /** The default of {@link #maxLayers()}. */
        public static final int DEFAULT_MAX_LAYERS = 10_000;
        /** The default of {@link #maxDepth()}. */
        public static final int DEFAULT_MAX_DEPTH = 32;
        /** The default of {@link #maxHeaderBytes()}: 16 MiB. */
        public static final int DEFAULT_MAX_HEADER_BYTES = 16 << 20;
        private static final LoadOptions DEFAULTS = new LoadOptions(DEFAULT_MAX_PARAMETERS, DEFAULT_MAX_LAYERS, DEFAULT_MAX_DEPTH,
                DEFAULT_MAX_HEADER_BYTES, false);

        /**
         * Validates the limits.
         *
         * @param maxParameters  1 to {@link Integer#MAX_VALUE}
         * @param maxLayers      at least 1
         * @param maxDepth       1 to {@link Model#MAX_NESTING}
         * @param maxHeaderBytes 64 to 2^30
         * @param allowNonFinite whether NaN and infinite values load
         * @throws IllegalArgumentException naming the bad limit and its range
         */
        public LoadOptions {
            if (maxParameters < 1 || maxParameters > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("maxParameters=" + maxParameters + "; expected 1 to " + Integer.MAX_VALUE
                        + " (the most parameters one model holds)");
            }
            if (maxLayers < 1) {
                throw new IllegalArgumentException("maxLayers=" + maxLayers + "; expected at least 1");
            }
            if (maxDepth < 1 || maxDepth > Model.MAX_NESTING) {
                throw new IllegalArgumentException("maxDepth=" + maxDepth + "; expected 1 to " + Model.MAX_NESTING
                        + " (Model.MAX_NESTING, the deepest layers may nest)");
            }
            if (maxHeaderBytes < 64 || maxHeaderBytes > 1 << 30) {
                throw new IllegalArgumentException("maxHeaderBytes=" + maxHeaderBytes + "; expected 64 to " + (1 << 30) + " (1 GiB)");
            }
        }

        /**
         * The defaults: {@value #DEFAULT_MAX_PARAMETERS} parameters, {@value #DEFAULT_MAX_LAYERS}
         * layers nested at most {@value #DEFAULT_MAX_DEPTH} deep, a 16 MiB header, finite values only.
         *
         * @return the default limits
         */
        public static LoadOptions defaults() {
            return DEFAULTS;
        }

        /**
         * These limits with another parameter limit.
         *
         * @param n the most parameters, 1 to {@link Integer#MAX_VALUE}
         * @return new limits
         */
        public LoadOptions withMaxParameters(long n) {
            return new LoadOptions(n, maxLayers, maxDepth, maxHeaderBytes, allowNonFinite);
        }

        /**
         * These limits with another layer limit.
         *
         * @param n the most layers, nested ones included, at least 1
         * @return new limits
         */
        public LoadOptions withMaxLayers(int n) {
            return new LoadOptions(maxParameters, n, maxDepth, maxHeaderBytes, allowNonFinite);
        }

        /**
         * These limits with another nesting limit.
         *
         * @param n the deepest nesting, 1 to {@link Model#MAX_NESTING}
         * @return new limits
         */
        public LoadOptions withMaxDepth(int n) {
            return new LoadOptions(maxParameters, maxLayers, n, maxHeaderBytes, allowNonFinite);
        }

        /**
         * These limits with another header limit.
         *
         * @param bytes the largest header, 64 to 2^30 bytes
         * @return new limits
         */
        public LoadOptions withMaxHeaderBytes(int bytes) {
            return new LoadOptions(maxParameters, maxLayers, maxDepth, bytes, allowNonFinite);
        }

        /**
         * These limits, with NaN and infinite parameters allowed or not.
         *
         * @param allow true to load such values (for inspection), false to refuse them
         * @return new limits
         */
        public LoadOptions withAllowNonFinite(boolean allow) {
            return new LoadOptions(maxParameters, maxLayers, maxDepth, maxHeaderBytes, allow);
        }
    }

    /**
     * Saves the model's architecture, parameters, seed and provenance (library versions, time of
     * saving), replacing {@code file} atomically ({@link AtomicFiles#write}, which first removes
     * temporary files that earlier saves of {@code file} left when their process died).
     *
     * @param model the model to save; it is only read
     * @param file  the file to write, in an existing folder; an existing file is replaced
     * @throws NoSuchFileException when the folder does not exist
     * @throws IOException         when the file cannot be written
     */
    public static void save(Model model, Path file) throws IOException {
        save(model, file, Map.of());
    }

    /**
     * Saves the model with extra provenance entries (for example the training settings), stored
     * under {@code provenance.}.
     *
     * @param model      the model to save; it is only read
     * @param file       the file to write, in an existing folder; an existing file is replaced
     * @param provenance entries to add, key to value (keys without the {@code provenance.} prefix,
     *                   without '='; neither with line breaks)
     * @throws IllegalArgumentException when a provenance key holds '=' or a key or value a line break
     * @throws NoSuchFileException      when the folder does not exist
     * @throws IOException              when the file cannot be written
     */
    public static void save(Model model, Path file, Map<String, String> provenance) throws IOException {
        write(model, file, provenance, null, null, 0);
    }

    /**
     * Saves a resumable checkpoint: the model, the optimiser's settings and state, and the step.
     * Read it back with {@link #loadCheckpoint(Path)}.
     *
     * @param model      the model being trained; it is only read
     * @param optimizer  the optimiser whose settings are saved
     * @param state      its state for {@code model}'s parameters (copied out, not closed)
     * @param step       the optimiser steps taken so far
     * @param provenance extra provenance entries, as for {@link #save(Model, Path, Map)}
     * @param file       the file to write, in an existing folder; an existing file is replaced
     * @throws NoSuchFileException when the folder does not exist
     * @throws IOException         when the file cannot be written
     */
    public static void saveCheckpoint(Model model, Optimizer optimizer, Optimizer.State state, long step,
                                      Map<String, String> provenance, Path file) throws IOException {
        write(model, file, provenance, optimizer, state, step);
    }

    /**
     * Loads a model, its layers read by {@link LayerRegistry#standard()} (the built-in layers and
     * those whose decoders are services on the class path), within {@link LoadOptions#defaults()}.
     *
     * @param file a file written by {@link #save}
     * @return the model, which the caller closes
     * @throws NoSuchFileException  when the file does not exist
     * @throws ModelFormatException when it is not an aiaas model, is newer than this library, is
     *                              corrupt or inconsistent, exceeds a limit, holds a NaN or
     *                              infinite parameter, or names a layer type with no decoder
     * @throws dev.aiaas.core.backend.NativeMemoryException when the model, sound and within the
     *                              limits, needs more native memory than may be allocated
     * @throws IOException          when it cannot be read
     */
    public static Model load(Path file) throws IOException {
        return load(file, LayerRegistry.standard(), LoadOptions.defaults());
    }

    /**
     * Loads a model within the given limits (for files from users: smaller ones; for a trusted
     * file beyond the defaults: larger ones).
     *
     * @param file    a file written by {@link #save}
     * @param options the limits of the load
     * @return the model, which the caller closes
     * @throws NoSuchFileException  when the file does not exist
     * @throws ModelFormatException as {@link #load(Path)}, a limit being {@code options}'
     * @throws IOException          when it cannot be read
     */
    public static Model load(Path file, LoadOptions options) throws IOException {
        return load(file, LayerRegistry.standard(), options);
    }

    /**
     * Loads a model whose layers are read by {@code layers}: for layers of an application's own,
     * {@code ModelIO.load(file, LayerRegistry.standard().with(new MyLayerDecoder()))}.
     *
     * @param file   a file written by {@link #save}
     * @param layers the decoders of the layer types the file may hold
     * @return the model, which the caller closes
     * @throws NoSuchFileException  when the file does not exist
     * @throws ModelFormatException as {@link #load(Path)}, or when it names a layer type that
     *                              {@code layers} does not read
     * @throws IOException          when it cannot be read
     */
    public static Model load(Path file, LayerRegistry layers) throws IOException {
        return load(file, layers, LoadOptions.defaults());
    }

    /**
     * Loads a model whose layers are read by {@code layers}, within the given limits.
     *
     * @param file    a file written by {@link #save}
     * @param layers  the decoders of the layer types the file may hold
     * @param options the limits of the load
     * @return the model, which the caller closes
     * @throws NoSuchFileException  when the file does not exist
     * @throws ModelFormatException as {@link #load(Path, LayerRegistry)}, a limit being {@code options}'
     * @throws IOException          when it cannot be read
     */
    public static Model load(Path file, LayerRegistry layers, LoadOptions options) throws IOException {
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(options, "options");
        try (ModelFileReader r = ModelFileReader.open(file, options)) {
            Header h = Header.parse(r.header(), file, options);
            List<ModelFileReader.Array> arrays = r.arrays();
            return guarded(file, () -> build(h, r, arrays.get(0), layers));
        }
    }

    /**
     * Loads a checkpoint saved by {@link #saveCheckpoint}, its layers read by {@link LayerRegistry#standard()}.
     *
     * @param file a file written by {@link #saveCheckpoint}
     * @return the model, optimiser, state and step, which the caller closes
     * @throws ModelFormatException as {@link #load(Path)}, and when the file holds no optimiser state
     * @throws IOException          when it cannot be read
     */
    public static Checkpoint loadCheckpoint(Path file) throws IOException {
        return loadCheckpoint(file, LayerRegistry.standard(), LoadOptions.defaults());
    }

    /**
     * Loads a checkpoint saved by {@link #saveCheckpoint}, its layers read by {@code layers}.
     *
     * @param file   a file written by {@link #saveCheckpoint}
     * @param layers the decoders of the layer types the file may hold
     * @return the model, optimiser, state and step, which the caller closes
     * @throws ModelFormatException as {@link #load(Path, LayerRegistry)}, and when the file holds no optimiser state
     * @throws IOException          when it cannot be read
     */
    public static Checkpoint loadCheckpoint(Path file, LayerRegistry layers) throws IOException {
        return loadCheckpoint(file, layers, LoadOptions.defaults());
    }

    /**
     * Loads a checkpoint saved by {@link #saveCheckpoint}, its layers read by {@code layers},
     * within the given limits (which bound each optimiser state array as they bound θ).
     *
     * @param file    a file written by {@link #saveCheckpoint}
     * @param layers  the decoders of the layer types the file may hold
     * @param options the limits of the load
     * @return the model, optimiser, state and step, which the caller closes
     * @throws ModelFormatException as {@link #load(Path, LayerRegistry, LoadOptions)}, and when the
     *                              file holds no optimiser state
     * @throws IOException          when it cannot be read
     */
    public static Checkpoint loadCheckpoint(Path file, LayerRegistry layers, LoadOptions options) throws IOException {
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(options, "options");
        try (ModelFileReader r = ModelFileReader.open(file, options)) {
            Header h = Header.parse(r.header(), file, options);
            List<ModelFileReader.Array> arrays = r.arrays();
            if (!h.entries.containsKey("optimizer.name")) {
                throw new ModelFormatException(file, "holds a model but no optimiser state; save it with ModelIO.saveCheckpoint to"
                        + " resume training");
            }
            return guarded(file, () -> checkpoint(h, r, arrays, layers));
        }
    }

    private static Checkpoint checkpoint(Header h, ModelFileReader r, List<ModelFileReader.Array> arrays, LayerRegistry layers)
            throws IOException {
        Optimizer o = optimizer(h);
        long step = h.getLong("optimizer.step");
        if (step < 0) {
            throw h.error("'optimizer.step' is " + step + "; expected the number of steps taken, >= 0");
        }
        int needs;
        try (Optimizer.State probe = o.newState(1, DataType.DOUBLE)) { // how many arrays, before any of θ's size is made
            needs = probe.arrayCount();
        }
        if (needs != arrays.size() - 1) {
            throw h.error("the optimiser " + o.name() + " needs " + needs + " state arrays, the file has " + (arrays.size() - 1));
        }
        long theta = arrays.get(0).length();
        for (ModelFileReader.Array a : arrays.subList(1, arrays.size())) {
            if (a.length() != theta) {
                throw h.error("optimiser state array " + a.index() + " holds " + a.length() + " values, θ " + theta
                        + "; each state array has one value per parameter");
            }
        }
        Model model = build(h, r, arrays.get(0), layers);
        Optimizer.State state = null;
        try {
            state = o.newState(model.parameters().length(), model.dataType());
            boolean narrowed = model.dataType() == DataType.FLOAT; // a float32 model's state is float32
            for (int i = 0; i < state.arrayCount(); i++) {
                ModelFileReader.Array a = arrays.get(i + 1);
                String what = "optimiser state array " + a.index();
                ModelFileReader.NonFinite bad = h.options.allowNonFinite() ? null : (k, v) -> h.error("value " + k + " of the " + what
                        + " is " + v + (Double.isFinite(v) ? ", beyond the float32 range of the model's optimiser state" : "")
                        + "; saved values must be finite. To load it anyway: ModelIO.LoadOptions.defaults().withAllowNonFinite(true)");
                try (INDArray values = Nd4j.create(a.f32() ? DataType.FLOAT : DataType.DOUBLE, a.length())) {
                    readValues(r, a, values, narrowed, bad);
                    state.copyIn(i, values);
                }
            }
            return new Checkpoint(model, o, state, step, provenance(h));
        } catch (IOException | RuntimeException e) {
            if (state != null) {
                state.close();
            }
            model.close();
            throw e;
        }
    }

    /**
     * The provenance entries of a saved model (library versions, time of saving, and what the saver
     * added), without loading its parameters into a model; within {@link LoadOptions#defaults()}.
     *
     * @param file a file written by {@link #save} or {@link #saveCheckpoint}
     * @return the entries in file order, keys without the {@code provenance.} prefix
     * @throws NoSuchFileException  when the file does not exist
     * @throws ModelFormatException when it is not an aiaas model, is newer than this library, is
     *                              corrupt, or exceeds a limit
     * @throws IOException          when it cannot be read
     */
    public static Map<String, String> provenance(Path file) throws IOException {
        return provenance(file, LoadOptions.defaults());
    }

    /**
     * The provenance entries of a saved model, within the given limits.
     *
     * @param file    a file written by {@link #save} or {@link #saveCheckpoint}
     * @param options the limits of the read (the header's size and the arrays' lengths)
     * @return the entries in file order, keys without the {@code provenance.} prefix
     * @throws NoSuchFileException  when the file does not exist
     * @throws ModelFormatException as {@link #provenance(Path)}, a limit being {@code options}'
     * @throws IOException          when it cannot be read
     */
    public static Map<String, String> provenance(Path file, LoadOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        try (ModelFileReader r = ModelFileReader.open(file, options)) {
            Header h = Header.parse(r.header(), file, options);
            r.arrays();
            return provenance(h);
        }
    }

    private static Map<String, String> provenance(Header h) {
        Map<String, String> m = new LinkedHashMap<>();
        h.entries.forEach((k, v) -> {
            if (k.startsWith("provenance.")) {
                m.put(k.substring("provenance.".length()), v);
            }
        });
        return m;
    }

    @FunctionalInterface
    private interface Load<T> {
        T run() throws IOException;
    }

    /**
     * Runs a load, turning what a malformed file makes the layers' code throw (their validation's
     * {@link IllegalArgumentException}, an {@link ArithmeticException} from a size that overflows,
     * a decoder's bug) into a {@link ModelFormatException}; a {@link NativeMemoryException} (a sound
     * model too big for this host) passes as it is.
     */
    private static <T> T guarded(Path file, Load<T> load) throws IOException {
        try {
            return load.run();
        } catch (NativeMemoryException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelFormatException(file, "is inconsistent: " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
    }

    private static void write(Model model, Path file, Map<String, String> extra, Optimizer optimizer, Optimizer.State state,
                              long step) throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("input_shape", join(model.inputShape()));
        h.put("dtype", model.dataType() == DataType.FLOAT ? "float32" : "float64");
        h.put("seed", Long.toString(model.seed()));
        h.put("parameters", Long.toString(model.parameterCount()));
        h.put("layers", Integer.toString(model.layers().size()));
        for (int i = 0; i < model.layers().size(); i++) {
            LayerCodec.encode(model.layers().get(i), "layer." + i + ".", h);
        }
        h.put("provenance.aiaas_version", Versions.aiaas());
        h.put("provenance.nd4j_version", Versions.nd4j());
        h.put("provenance.saved_at", Instant.now().toString());
        extra.forEach((k, v) -> h.put("provenance." + k, v));
        if (optimizer != null) {
            optimizer.config().forEach((k, v) -> h.put("optimizer." + k, String.valueOf(v)));
            h.put("optimizer.step", Long.toString(step));
        }
        byte[] header = Header.format(h).getBytes(StandardCharsets.UTF_8);
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new NoSuchFileException(String.valueOf(dir), null, "the folder to save the model in does not exist; create it first");
        }
        List<INDArray> arrays = new ArrayList<>();
        List<INDArray> owned = new ArrayList<>();
        arrays.add(model.parameters());
        try {
            if (optimizer != null) {
                for (int i = 0; i < state.arrayCount(); i++) {
                    owned.add(state.copyOut(i));
                    arrays.add(owned.get(owned.size() - 1));
                }
            }
            AtomicFiles.write(file, raw -> {
                CRC32 crc = new CRC32();
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
                out.write(ModelFileReader.MAGIC);
                out.writeInt(FORMAT_VERSION);
                out.writeInt(header.length);
                out.write(header);
                out.writeInt(arrays.size());
                for (INDArray a : arrays) {
                    writeArray(out, a);
                }
                out.flush();
                new DataOutputStream(raw).writeLong(crc.getValue());
            });
        } finally {
            owned.forEach(INDArray::close);
        }
    }

    private static void writeArray(DataOutputStream out, INDArray a) throws IOException {
        boolean f32 = a.dataType() == DataType.FLOAT;
        out.writeByte(f32 ? 1 : 2);
        out.writeLong(a.length());
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        // a view's NIO buffer is positioned at its offset: slice() starts there
        FloatBuffer fs = f32 ? a.data().asNioFloat().slice() : null;
        DoubleBuffer ds = f32 ? null : a.data().asNioDouble().slice();
        int n = Math.toIntExact(a.length());
        int per = chunk.capacity() / (f32 ? 4 : 8);
        for (int i = 0; i < n; i += per) {
            int k = Math.min(per, n - i);
            chunk.clear();
            if (f32) {
                chunk.asFloatBuffer().put(fs.slice(i, k));
                chunk.position(k * 4);
            } else {
                chunk.asDoubleBuffer().put(ds.slice(i, k));
                chunk.position(k * 8);
            }
            out.write(chunk.array(), 0, chunk.position());
        }
    }

    /**
     * Makes the model the header describes and reads θ into it. Every size is checked before θ is
     * allocated: the input shape, each layer's output shape (at most {@link Integer#MAX_VALUE}
     * values per example), the parameter count (exact arithmetic) against the header's, the
     * limit and θ's length in the file.
     */
    private static Model build(Header h, ModelFileReader r, ModelFileReader.Array theta, LayerRegistry registry) throws IOException {
        LoadOptions o = h.options;
        long[] shape = inputShape(h);
        String dtype = h.get("dtype");
        if (!dtype.equals("float32") && !dtype.equals("float64")) {
            throw h.error("dtype is " + Inputs.excerpt(dtype) + ", expected float32 or float64");
        }
        DataType dt = dtype.equals("float32") ? DataType.FLOAT : DataType.DOUBLE;
        long seed = h.getLong("seed");
        int n = h.getCount("layers", o.maxLayers(), "ModelIO.LoadOptions.maxLayers");
        if (n == 0) {
            throw h.error("'layers' is 0; a model has at least one layer");
        }
        List<Layer> layers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            layers.add(registry.decode(h, "layer." + i + ".", 1));
        }
        long[] offsets = parameterOffsets(h, layers, shape);
        long p = offsets[n];
        long declared = h.getLong("parameters");
        if (p != declared) {
            throw h.error("the layers need " + p + " parameters, the header says parameters=" + declared
                    + "; the file is corrupt or was changed by hand");
        }
        if (p > o.maxParameters()) {
            throw h.error("the model has " + p + " parameters, more than the limit of " + o.maxParameters()
                    + " (ModelIO.LoadOptions.maxParameters); if the file is trusted, load it with"
                    + " ModelIO.LoadOptions.defaults().withMaxParameters(" + p + ")");
        }
        long length = Math.max(1, p); // a model without parameters keeps a θ of one value
        if (theta.length() != length || theta.f32() != (dt == DataType.FLOAT)) {
            throw h.error("θ (array 0) holds " + theta.length() + " " + theta.typeName() + " values where the layers need " + length
                    + " " + dtype + "; the file is corrupt");
        }
        Model.Builder builder = Model.builder(shape).dataType(dt).seed(seed);
        layers.forEach(builder::add);
        Model model = builder.build();
        try {
            ModelFileReader.NonFinite bad = o.allowNonFinite() ? null : (i, v) -> h.error("parameter " + i + " of θ, in "
                    + where(layers, offsets, i) + ", is " + v + "; parameters must be finite (the model was saved after training"
                    + " diverged, or the file was changed). To load it anyway, for inspection: ModelIO.load(file,"
                    + " ModelIO.LoadOptions.defaults().withAllowNonFinite(true))");
            readValues(r, theta, model.parameters(), false, bad);
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Reads an array into a contiguous 1-D INDArray of its type and length, checking that each value
     * is finite (and, when {@code narrowed}, that a float64 value stays finite as a float32) unless
     * {@code bad} is null.
     */
    private static void readValues(ModelFileReader r, ModelFileReader.Array a, INDArray target, boolean narrowed,
                                   ModelFileReader.NonFinite bad) throws IOException {
        if (a.f32()) {
            r.readFloats(a, target.data().asNioFloat().slice(), bad);
        } else {
            r.readDoubles(a, target.data().asNioDouble().slice(), narrowed, bad);
        }
    }

    /** "layer 2 (dense)": the layer whose slice of θ holds parameter {@code i}. */
    private static String where(List<Layer> layers, long[] offsets, long i) {
        for (int l = 0; l < layers.size(); l++) {
            if (i < offsets[l + 1]) {
                return "layer " + l + " (" + layers.get(l).type() + ")";
            }
        }
        return "no layer";
    }

    /** The input shape: 1 to 8 positive sizes, at most {@link Integer#MAX_VALUE} values in all. */
    private static long[] inputShape(Header h) throws ModelFormatException {
        String text = h.get("input_shape");
        String[] parts = text.split(",", 9);
        if (parts.length > 8) {
            throw h.error("input_shape " + Inputs.excerpt(text) + " has more than 8 dimensions; the file is corrupt");
        }
        long[] shape = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                shape[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                shape[i] = -1;
            }
            if (shape[i] < 1) {
                throw h.error("input_shape is " + Inputs.excerpt(text) + "; expected positive sizes separated by commas, as 784 or 28,28");
            }
        }
        checkExample(h, shape, "the input");
        return shape;
    }

    /** One example of {@code shape} holds at most {@link Integer#MAX_VALUE} values. */
    private static void checkExample(Header h, long[] shape, String what) throws ModelFormatException {
        long values = 1;
        for (long d : shape) {
            if (d < 1 || values > Integer.MAX_VALUE / d) {
                throw h.error(what + " has examples of shape " + Arrays.toString(shape) + ", more than " + Integer.MAX_VALUE
                        + " values each (or a size below 1); the file is corrupt");
            }
            values *= d;
        }
    }

    /**
     * Where each layer's parameters start in θ, and the total, computed from the layers' shapes
     * alone (nothing allocated): {@code offsets[i]} for layer i, {@code offsets[n]} the count.
     */
    private static long[] parameterOffsets(Header h, List<Layer> layers, long[] inputShape) throws ModelFormatException {
        long[] offsets = new long[layers.size() + 1];
        long[] shape = inputShape;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            long count;
            try {
                count = l.parameterCount(shape);
                shape = l.outputShape(shape);
                offsets[i + 1] = Math.addExact(offsets[i], count);
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(h.file(), "layer " + i + " (" + l.type() + ") cannot take the input shape "
                        + Arrays.toString(shape) + ": " + e.getMessage(), e);
            } catch (ArithmeticException e) {
                throw new ModelFormatException(h.file(), "layer " + i + " (" + l.type() + "): the parameter count overflows for the"
                        + " input shape " + Arrays.toString(shape) + "; the file is corrupt", e);
            }
            if (count < 0) {
                throw h.error("layer " + i + " (" + l.type() + ") has " + count + " parameters; a count is >= 0");
            }
            checkExample(h, shape, "layer " + i + " (" + l.type() + ")");
        }
        return offsets;
    }

    private static Optimizer optimizer(Header h) throws ModelFormatException {
        String name = h.get("optimizer.name");
        double lr = h.getDouble("optimizer.learning_rate");
        return switch (name) {
            case "sgd" -> h.wrap(() -> Optimizers.sgd(lr));
            case "momentum", "nesterov" -> {
                double mu = h.getDouble("optimizer.momentum");
                yield h.wrap(() -> new Optimizers.Sgd(name, lr, mu));
            }
            case "adam", "adamw" -> {
                double b1 = h.getDouble("optimizer.beta1");
                double b2 = h.getDouble("optimizer.beta2");
                double eps = h.getDouble("optimizer.epsilon");
                double wd = h.getDouble("optimizer.weight_decay");
                yield h.wrap(() -> new Optimizers.Adam(lr, b1, b2, eps, wd));
            }
            case "rmsprop", "adagrad" -> {
                double rho = h.getDouble("optimizer.rho");
                double eps = h.getDouble("optimizer.epsilon");
                yield h.wrap(() -> new Optimizers.Scaled(name, lr, rho, eps));
            }
            default -> throw h.error("unknown optimiser " + Inputs.excerpt(name) + "; this library knows "
                    + String.join(", ", Optimizers.NAMES));
        };
    }

    private static String join(long[] s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            sb.append(i > 0 ? "," : "").append(s[i]);
        }
        return sb.toString();
    }
}
