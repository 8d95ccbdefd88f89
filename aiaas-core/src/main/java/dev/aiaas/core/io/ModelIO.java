package dev.aiaas.core.io;

import dev.aiaas.core.Versions;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Saves and loads models in aiaas's own versioned format; no Java serialisation.
 *
 * <p>Layout (big-endian): the 8 ASCII bytes {@code AIAASMDL}; the format version (int); the
 * header's length (int) and the header, UTF-8 {@code key=value} lines (architecture, data type,
 * seed, provenance, optimiser settings); the number of arrays (int), then each array as its type
 * (byte: 1 float32, 2 float64), its length (long) and its values, little-endian; finally the
 * CRC-32 (long) of every byte before it. Array 0 is θ; a checkpoint adds the optimiser's state.
 *
 * <p>Writes are atomic: the file is written beside the target and moved over it, so a failure
 * leaves any earlier file as it was. A reader takes every format version up to
 * {@link #FORMAT_VERSION} and rejects newer ones, saying so.
 */
public final class ModelIO {

    /** The newest format version this library writes and reads. */
    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "AIAASMDL".getBytes(StandardCharsets.US_ASCII);

    private ModelIO() {
    }

    /** A model with its optimiser and the optimiser's state at a step: what resuming training needs. */
    public record Checkpoint(Model model, Optimizer optimizer, Optimizer.State state, long step, Map<String, String> provenance)
            implements AutoCloseable {
        /** Closes the state and the model. */
        @Override
        public void close() {
            state.close();
            model.close();
        }
    }

    /** Saves the model's architecture, parameters and provenance. */
    public static void save(Model model, Path file) throws IOException {
        save(model, file, Map.of());
    }

    /**
     * Saves the model with extra provenance entries (for example the training settings), stored
     * under {@code provenance.}.
     */
    public static void save(Model model, Path file, Map<String, String> provenance) throws IOException {
        write(model, file, provenance, null, null, 0);
    }

    /** Saves a resumable checkpoint: the model, the optimiser's settings and state, and the step. */
    public static void saveCheckpoint(Model model, Optimizer optimizer, Optimizer.State state, long step,
                                      Map<String, String> provenance, Path file) throws IOException {
        write(model, file, provenance, optimizer, state, step);
    }

    /**
     * Loads a model.
     *
     * @throws NoSuchFileException  when the file does not exist
     * @throws ModelFormatException when it is not an aiaas model, is newer than this library, or is corrupt
     */
    public static Model load(Path file) throws IOException {
        Parsed p = read(file);
        return p.model;
    }

    /** Loads a checkpoint saved by {@link #saveCheckpoint}. */
    public static Checkpoint loadCheckpoint(Path file) throws IOException {
        Parsed p = read(file);
        if (!p.header.entries.containsKey("optimizer.name")) {
            p.model.close();
            throw new ModelFormatException(file, "holds a model but no optimiser state; save it with ModelIO.saveCheckpoint to resume training");
        }
        try {
            Optimizer o = optimizer(p.header);
            Optimizer.State state = o.newState(p.model.parameters().length(), p.model.dataType());
            if (state.arrayCount() != p.arrays.size() - 1) {
                state.close();
                throw p.header.error("the optimiser " + o.name() + " needs " + state.arrayCount() + " state arrays, the file has "
                        + (p.arrays.size() - 1));
            }
            for (int i = 0; i < state.arrayCount(); i++) {
                RawArray raw = p.arrays.get(i + 1);
                try (INDArray values = Nd4j.create(raw.f32 ? DataType.FLOAT : DataType.DOUBLE, raw.length)) {
                    copyInto(raw, values, file);
                    state.copyIn(i, values);
                }
            }
            return new Checkpoint(p.model, o, state, p.header.getLong("optimizer.step"), provenance(p.header));
        } catch (IOException | RuntimeException e) {
            p.model.close();
            throw e;
        }
    }

    /** The provenance entries of a saved model (library versions, time, seed, and what the saver added). */
    public static Map<String, String> provenance(Path file) throws IOException {
        Parsed p = read(file);
        p.model.close();
        return provenance(p.header);
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

    private static void write(Model model, Path file, Map<String, String> extra, Optimizer optimizer, Optimizer.State state,
                              long step) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new NoSuchFileException(String.valueOf(dir), null, "the folder to save the model in does not exist; create it first");
        }
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
        List<INDArray> arrays = new ArrayList<>();
        List<INDArray> owned = new ArrayList<>();
        arrays.add(model.parameters());
        if (optimizer != null) {
            optimizer.config().forEach((k, v) -> h.put("optimizer." + k, String.valueOf(v)));
            h.put("optimizer.step", Long.toString(step));
            for (int i = 0; i < state.arrayCount(); i++) {
                arrays.add(state.copyOut(i));
                owned.add(arrays.get(arrays.size() - 1));
            }
        }
        byte[] header = Header.format(h).getBytes(StandardCharsets.UTF_8);

        // not Files.createTempFile, whose owner-only permissions the saved model would keep
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
                 OutputStream raw = java.nio.channels.Channels.newOutputStream(ch)) {
                CRC32 crc = new CRC32();
                DataOutputStream out = new DataOutputStream(new java.util.zip.CheckedOutputStream(
                        new java.io.BufferedOutputStream(raw, 1 << 16), crc));
                out.write(MAGIC);
                out.writeInt(FORMAT_VERSION);
                out.writeInt(header.length);
                out.write(header);
                out.writeInt(arrays.size());
                for (INDArray a : arrays) {
                    writeArray(out, a);
                }
                out.flush();
                new DataOutputStream(raw).writeLong(crc.getValue());
                raw.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
            owned.forEach(INDArray::close);
        }
    }

    private static void writeArray(DataOutputStream out, INDArray a) throws IOException {
        boolean f32 = a.dataType() == DataType.FLOAT;
        int width = f32 ? 4 : 8;
        out.writeByte(f32 ? 1 : 2);
        out.writeLong(a.length());
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        // a view's NIO buffer is positioned at its offset: slice() starts there
        java.nio.FloatBuffer fs = f32 ? a.data().asNioFloat().slice() : null;
        java.nio.DoubleBuffer ds = f32 ? null : a.data().asNioDouble().slice();
        for (int i = 0, n = Math.toIntExact(a.length()); i < n; i++) {
            if (chunk.remaining() < width) {
                out.write(chunk.array(), 0, chunk.position());
                chunk.clear();
            }
            if (f32) {
                chunk.putFloat(fs.get(i));
            } else {
                chunk.putDouble(ds.get(i));
            }
        }
        out.write(chunk.array(), 0, chunk.position());
    }

    /** One array as read: its type and little-endian values. */
    private record RawArray(boolean f32, long length, ByteBuffer values) {
    }

    private record Parsed(Model model, Header header, List<RawArray> arrays) {
    }

    private static Parsed read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length < MAGIC.length + 8 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new ModelFormatException(file, "is not an aiaas model (it does not start with " + new String(MAGIC, StandardCharsets.US_ASCII)
                    + "); pass a file written by ModelIO.save or 'aiaas train --out'");
        }
        b.position(MAGIC.length);
        int version = b.getInt();
        if (version > FORMAT_VERSION) {
            throw new ModelFormatException(file, "format version " + version + ", this library reads up to " + FORMAT_VERSION
                    + "; load it with a newer aiaas");
        }
        if (version < 1) {
            throw new ModelFormatException(file, "format version " + version + " is not valid (versions start at 1); the file is corrupt");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
        if (stored != crc.getValue()) {
            throw new ModelFormatException(file, "is corrupt: its CRC-32 check fails (stored " + Long.toHexString(stored) + ", computed "
                    + Long.toHexString(crc.getValue()) + "); it was truncated or changed after saving");
        }
        try {
            int headerLength = b.getInt();
            Header h = Header.parse(new String(bytes, b.position(), headerLength, StandardCharsets.UTF_8), file);
            b.position(b.position() + headerLength);
            int count = b.getInt();
            List<RawArray> arrays = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte type = b.get();
                long length = b.getLong();
                if (type != 1 && type != 2) {
                    throw h.error("array " + i + " has unknown type " + type + " (expected 1 for float32 or 2 for float64)");
                }
                int width = type == 1 ? 4 : 8;
                ByteBuffer values = b.slice().order(ByteOrder.LITTLE_ENDIAN);
                values.limit(Math.toIntExact(length * width));
                b.position(b.position() + (int) (length * width));
                arrays.add(new RawArray(type == 1, length, values));
            }
            return new Parsed(build(h, arrays, file), h, arrays);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new ModelFormatException(file, "is inconsistent: " + e.getMessage());
        }
    }

    private static Model build(Header h, List<RawArray> arrays, Path file) throws ModelFormatException {
        long[] shape = Arrays.stream(h.get("input_shape").split(",")).mapToLong(Long::parseLong).toArray();
        String dtype = h.get("dtype");
        if (!dtype.equals("float32") && !dtype.equals("float64")) {
            throw h.error("dtype is '" + dtype + "', expected float32 or float64");
        }
        int n = h.getInt("layers");
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            layers.add(LayerCodec.decode("layer." + i + ".", h));
        }
        if (arrays.isEmpty()) {
            throw h.error("holds no parameter array");
        }
        Model.Builder builder = Model.builder(shape).dataType(dtype.equals("float32") ? DataType.FLOAT : DataType.DOUBLE)
                .seed(h.getLong("seed"));
        layers.forEach(builder::add);
        Model model = h.wrap(builder::build);
        try {
            if (model.parameterCount() != h.getLong("parameters")) {
                throw h.error("the layers need " + model.parameterCount() + " parameters, the header says " + h.get("parameters"));
            }
            copyInto(arrays.get(0), model.parameters(), file);
            return model;
        } catch (ModelFormatException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static void copyInto(RawArray raw, INDArray target, Path file) throws ModelFormatException {
        if (raw.length != target.length() || raw.f32 != (target.dataType() == DataType.FLOAT)) {
            throw new ModelFormatException(file, "an array holds " + raw.length + (raw.f32 ? " float32" : " float64")
                    + " values where " + target.length() + " " + target.dataType() + " were expected");
        }
        ByteBuffer src = raw.values.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (raw.f32) {
            java.nio.FloatBuffer dst = target.data().asNioFloat().slice();
            for (int i = 0; i < raw.length; i++) {
                dst.put(i, src.getFloat());
            }
        } else {
            java.nio.DoubleBuffer dst = target.data().asNioDouble().slice();
            for (int i = 0; i < raw.length; i++) {
                dst.put(i, src.getDouble());
            }
        }
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
            default -> throw h.error("unknown optimiser '" + name + "'; this library knows " + String.join(", ", Optimizers.NAMES));
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
