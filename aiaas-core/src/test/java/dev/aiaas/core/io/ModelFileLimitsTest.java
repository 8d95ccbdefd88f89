package dev.aiaas.core.io;

import static dev.aiaas.core.io.ModelFileBytes.arraysAt;
import static dev.aiaas.core.io.ModelFileBytes.format;
import static dev.aiaas.core.io.ModelFileBytes.header;
import static dev.aiaas.core.io.ModelFileBytes.recrc;
import static dev.aiaas.core.io.ModelFileBytes.withEntry;
import static dev.aiaas.core.io.ModelFileBytes.withHeader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.backend.NativeMemoryException;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.optim.Optimizer;
import dev.aiaas.core.optim.Optimizers;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Malformed and hostile model files, each crafted with a valid CRC so that the parser itself
 * meets the fault: every one ends in a {@link ModelFormatException} naming the fault, what was
 * expected and the fix, before anything the file does not back is allocated.
 */
class ModelFileLimitsTest {

    /** The parameters of {@link #mlp}: 6·8 + 8, 4·8 (batch norm), 2·(8·8 + 8) (residual), 8·3 + 3. */
    private static final int P = 56 + 32 + 144 + 27;

    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        Backends.current();
    }

    /** The MLP of the fuzz test: dense, batch norm, relu, dropout, a residual block, a softmax output. */
    static Model mlp(DataType dt) {
        return Model.builder(6)
                .add(Layers.dense(8)).add(Layers.batchNorm()).add(Layers.relu()).add(Layers.dropout(0.2))
                .add(Layers.residual(Layers.dense(8, Activation.TANH), Layers.dense(8)))
                .add(Layers.dense(3, Activation.SOFTMAX))
                .dataType(dt).seed(3).build();
    }

    private byte[] saved(DataType dt) throws Exception {
        Path f = dir.resolve("saved-" + dt + ".aiaas");
        try (Model m = mlp(dt)) {
            ModelIO.save(m, f);
        }
        return Files.readAllBytes(f);
    }

    private Path write(byte[] bytes) throws Exception {
        Path f = dir.resolve("crafted.aiaas");
        Files.write(f, bytes);
        return f;
    }

    private ModelFormatException refused(byte[] bytes) throws Exception {
        return refused(bytes, ModelIO.LoadOptions.defaults());
    }

    private ModelFormatException refused(byte[] bytes, ModelIO.LoadOptions options) throws Exception {
        Path f = write(bytes);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelIO.load(f, options).close());
        assertEquals(f, e.file());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        return e;
    }

    private static void contains(ModelFormatException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
    }

    /**
     * The finding: a 52 KB file with a valid CRC declaring {@code layer.0.units=5000000} made the
     * loader allocate what it declared. Now the count the layers need is computed from their shapes
     * alone and checked against the header, the limit and θ's length in the file, all before θ is
     * allocated.
     */
    @Test
    void aHugeDeclaredWidthIsRefusedBeforeAllocating() throws Exception {
        byte[] good = saved(DataType.FLOAT);
        // the width alone: the header's parameter count no longer matches the layers
        contains(refused(withEntry(good, "layer.5.units", "5000000")), "the layers need " + (P - 27 + 45_000_000)
                + " parameters, the header says parameters=" + P);
        // the next layers cannot take the new width
        contains(refused(withEntry(good, "layer.0.units", "5000000")), "layer 4 (residual) cannot take the input shape [5000000]");
        // one dense layer beyond the parameter limit, the header agreeing: refused by the limit, not by the allocator
        LinkedHashMap<String, String> h = header(good);
        h.put("layers", "1");
        h.keySet().removeIf(k -> k.startsWith("layer.") && !k.startsWith("layer.0."));
        h.put("layer.0.units", "2000000000");
        h.put("parameters", Long.toString(6L * 2_000_000_000 + 2_000_000_000));
        contains(refused(withHeader(good, format(h))), "14000000000 parameters",
                "more than the limit of " + ModelIO.LoadOptions.DEFAULT_MAX_PARAMETERS, "LoadOptions.maxParameters",
                "withMaxParameters(14000000000)");
        // within the limit, the header agreeing: θ in the file is too short for it
        h.put("layer.0.units", "5000000");
        h.put("parameters", Long.toString(6L * 5_000_000 + 5_000_000));
        contains(refused(withHeader(good, format(h))), "θ (array 0) holds " + P + " float32 values where the layers need 35000000");
    }

    @Test
    void parameterCountsThatOverflowAreFormatErrors() throws Exception {
        byte[] good = saved(DataType.FLOAT);
        LinkedHashMap<String, String> h = header(good);
        h.put("layers", "1");
        h.keySet().removeIf(k -> k.startsWith("layer.") && !k.startsWith("layer.0."));
        h.put("input_shape", "2147483647");
        h.put("layer.0.units", "2147483647");
        h.put("parameters", Long.toString(2147483647L * 2147483647L + 2147483647L));
        contains(refused(withHeader(good, format(h))), "more than the limit of 1073741824 (ModelIO.LoadOptions.maxParameters)");
        // an LSTM whose count overflows a long: 4·units·(features + units + 1)
        h.put("layer.0.type", "lstm");
        h.put("layer.0.units", "2147483647");
        h.put("layer.0.recurrent_initializer", "zeros");
        h.put("layer.0.recurrent_initializer_value", "0.0");
        h.put("layer.0.forget_gate_bias", "1.0");
        h.put("input_shape", "1,2147483647");
        contains(refused(withHeader(good, format(h))), "layer 0 (lstm): the parameter count overflows");
        h = header(good);
        h.put("input_shape", "9223372036854775807");
        contains(refused(withHeader(good, format(h))), "input has examples of shape [9223372036854775807]", "more than 2147483647 values");
        h.put("input_shape", "65536,65536");
        contains(refused(withHeader(good, format(h))), "more than 2147483647 values");
        for (String bad : new String[] {"0", "-6", "6,,2", "six", "", "1,2,3,4,5,6,7,8,9"}) {
            h.put("input_shape", bad);
            contains(refused(withHeader(good, format(h))), "input_shape");
        }
    }

    /** The finding: 2,000 nested residual or time-distributed layers overflowed the stack (a 1,025-line trace). */
    @Test
    void nestingDeeperThanTheLimitIsAFormatErrorNotAStackOverflow() throws Exception {
        byte[] good = saved(DataType.FLOAT);
        for (boolean residual : new boolean[] {true, false}) {
            byte[] deep = withHeader(good, format(nested(header(good), residual ? 1_000 : 2_000, residual)));
            ModelFormatException e = refused(deep);
            contains(e, "is nested 33 deep, more than the limit of 32", "LoadOptions.maxDepth", "withMaxDepth(33)");
            e = refused(deep, ModelIO.LoadOptions.defaults().withMaxDepth(3));
            contains(e, "is nested 4 deep, more than the limit of 3");
        }
        // 2,000 residual blocks take a 32 MB header: beyond the default limit, refused before it is read
        contains(refused(withHeader(good, format(nested(header(good), 2_000, true)))), "its header is", "more than the limit of 16777216");
    }

    /** The header's layers replaced by {@code depth} residual blocks (or time-distributed wrappers), one in another, around a relu. */
    static LinkedHashMap<String, String> nested(LinkedHashMap<String, String> h, int depth, boolean residual) {
        h.keySet().removeIf(k -> k.startsWith("layer."));
        h.put("layers", "1");
        StringBuilder prefix = new StringBuilder("layer.0.");
        for (int d = 0; d < depth; d++) {
            h.put(prefix + "type", residual ? "residual" : "time_distributed");
            if (residual) {
                h.put(prefix + "layers", "1");
            }
            prefix.append(residual ? "layer.0." : "layer.");
        }
        h.put(prefix + "type", "relu");
        h.put(prefix + "alpha", "0.0");
        return h;
    }

    @Test
    void layerCountsAreBoundedByTheLimitAndTheHeader() throws Exception {
        byte[] good = saved(DataType.FLOAT);
        contains(refused(withEntry(good, "layers", "2147483647")), "'layers' is 2147483647, more than the limit of 10000");
        contains(refused(withEntry(good, "layers", "9000")), "'layers' declares 9000 items, but the header has only");
        contains(refused(withEntry(good, "layers", "-1")), "'layers' is -1; expected a count >= 0");
        contains(refused(withEntry(good, "layers", "0")), "'layers' is 0; a model has at least one layer");
        contains(refused(withEntry(good, "layer.4.layers", "-5")), "'layer.4.layers' is -5");
        contains(refused(withEntry(good, "layer.4.layers", "99999999999")), "'layer.4.layers' is 99999999999, more than the limit");
        // 6 layers, and 2 in the residual block: the 8th is one too many
        contains(refused(good, ModelIO.LoadOptions.defaults().withMaxLayers(7)),
                "is layer number 8 (nested ones counted), more than the limit of 7", "LoadOptions.maxLayers");
        contains(refused(good, ModelIO.LoadOptions.defaults().withMaxLayers(5)), "'layers' is 6, more than the limit of 5");
    }

    @Test
    void aRepeatedHeaderKeyIsRefused() throws Exception {
        byte[] good = saved(DataType.FLOAT);
        String text = format(header(good)) + "layer.0.units=8\n";
        ModelFormatException e = refused(withHeader(good, text));
        contains(e, "repeats the key 'layer.0.units' of line", "each key may appear once");
    }

    @Test
    void headersThatAreNotKeyValueTextAreRefused() throws Exception {
        byte[] good = saved(DataType.FLOAT);
        contains(refused(withHeader(good, format(header(good)) + "no equals sign here\n")), "is not key=value: 'no equals sign here'");
        contains(refused(withHeader(good, format(header(good)) + "=value\n")), "is not key=value");
        String longLine = "x".repeat(100_000);
        ModelFormatException e = refused(withHeader(good, format(header(good)) + longLine + "\n"));
        assertTrue(e.getMessage().length() < 400, "the bad line is quoted in an excerpt: " + e.getMessage().length());
        byte[] bytes = format(header(good)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] notUtf8 = Arrays.copyOf(bytes, bytes.length + 2);
        notUtf8[bytes.length] = (byte) 0xc3; // a lead byte without its continuation
        notUtf8[bytes.length + 1] = '\n';
        contains(refused(ModelFileBytes.withHeaderBytes(good, notUtf8)), "is not valid UTF-8 text");
        contains(refused(withEntry(good, "dtype", "float16")), "dtype is 'float16', expected float32 or float64");
        contains(refused(withEntry(good, "seed", "1e9")), "'seed' should be an integer, found '1e9'");
    }

    @Test
    void headerAndArrayLengthsAreCheckedAgainstTheBytesPresent() throws Exception {
        byte[] good = saved(DataType.FLOAT);
        contains(refused(ModelFileBytes.withInt(good, 12, Integer.MAX_VALUE)), "declares a header of 2147483647 bytes, but the file holds");
        contains(refused(ModelFileBytes.withInt(good, 12, -1)), "declares a header of -1 bytes");
        int arrays = arraysAt(good);
        contains(refused(ModelFileBytes.withInt(good, arrays, 0)), "declares 0 arrays", "1 to 8");
        contains(refused(ModelFileBytes.withInt(good, arrays, -7)), "declares -7 arrays");
        contains(refused(ModelFileBytes.withInt(good, arrays, 2)), "array 1 of 2 is missing");
        contains(refused(ModelFileBytes.withLong(good, arrays + 5, Long.MAX_VALUE)),
                "array 0 declares 9223372036854775807 float32 values, but only");
        contains(refused(ModelFileBytes.withLong(good, arrays + 5, 1L << 62)), "array 0 declares 4611686018427387904");
        contains(refused(ModelFileBytes.withLong(good, arrays + 5, -1)), "array 0 declares -1 float32 values");
        contains(refused(ModelFileBytes.withLong(good, arrays + 5, 5)), "bytes after its last array");
        byte[] type = good.clone();
        type[arrays + 4] = 9;
        contains(refused(recrc(type)), "array 0 has unknown type 9 (expected 1 for float32 or 2 for float64)");
        // θ's length agreeing with the bytes but not with the layers
        byte[] longer = recrc(concat(Arrays.copyOf(good, good.length - 8), new byte[] {1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0}));
        longer = ModelFileBytes.withLong(longer, arrays + 5, ByteBuffer.wrap(good).getLong(arrays + 5) + 1);
        contains(refused(longer), "θ (array 0) holds " + (P + 1) + " float32 values where the layers need " + P + " float32");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void limitsOnTheHeaderAndTheFileSize() throws Exception {
        byte[] good = saved(DataType.FLOAT);
        int length = ModelFileBytes.headerLength(good);
        contains(refused(good, ModelIO.LoadOptions.defaults().withMaxHeaderBytes(64)),
                "its header is " + length + " bytes, more than the limit of 64", "withMaxHeaderBytes(" + length + ")");
        // a file larger than any model within the limits could be is refused before its CRC is even computed
        ModelFormatException e = refused(good, ModelIO.LoadOptions.defaults().withMaxParameters(1).withMaxHeaderBytes(64));
        contains(e, "bytes, more than a model within the load's limits can be");
        contains(refused(good, ModelIO.LoadOptions.defaults().withMaxParameters(100)), "array 0 holds " + P + " values, more than the limit of 100");
    }

    @Test
    void nonFiniteParametersAreRefusedUnlessAllowed() throws Exception {
        byte[] f32 = saved(DataType.FLOAT);
        byte[] f64 = saved(DataType.DOUBLE);
        float[] floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (float v : floats) {
            ModelFormatException e = refused(ModelFileBytes.withThetaFloat(f32, 60, v));
            contains(e, "parameter 60 of θ, in layer 1 (batch_norm), is " + v, "parameters must be finite",
                    "withAllowNonFinite(true)");
        }
        for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            contains(refused(ModelFileBytes.withThetaDouble(f64, 200, v)), "parameter 200 of θ, in layer 4 (residual), is " + v);
        }
        contains(refused(ModelFileBytes.withThetaFloat(f32, 0, Float.NaN)), "parameter 0 of θ, in layer 0 (dense), is NaN");
        contains(refused(ModelFileBytes.withThetaFloat(f32, P - 1, Float.NaN)), "parameter " + (P - 1) + " of θ, in layer 5 (dense), is NaN");
        // allowed, for inspection: the values load as they are
        Path f = write(ModelFileBytes.withThetaFloat(f32, 60, Float.NaN));
        try (Model m = ModelIO.load(f, ModelIO.LoadOptions.defaults().withAllowNonFinite(true))) {
            assertTrue(Float.isNaN(m.parameters().getFloat(60)));
        }
        // the largest finite values load
        f = write(ModelFileBytes.withThetaFloat(f32, 1, Float.MAX_VALUE));
        try (Model m = ModelIO.load(f)) {
            assertEquals(Float.MAX_VALUE, m.parameters().getFloat(1));
        }
    }

    @Test
    void θLoadsExactlyAcrossChunks(@TempDir Path tmp) throws Exception {
        // more values than one read chunk (16,384 float32), so that the streamed copy crosses chunk boundaries
        Path f = tmp.resolve("wide.aiaas");
        try (Model m = Model.builder(300).add(Layers.dense(100)).add(Layers.dense(7)).seed(1).build()) {
            m.parameters().putScalar(20_000, Float.MIN_VALUE);
            ModelIO.save(m, f);
            try (Model back = ModelIO.load(f)) {
                assertEquals(m.parameters(), back.parameters());
            }
        }
        byte[] bytes = Files.readAllBytes(f);
        Path nan = tmp.resolve("nan.aiaas");
        Files.write(nan, ModelFileBytes.withThetaFloat(bytes, 30_107, Float.NaN));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelIO.load(nan));
        assertTrue(e.getMessage().contains("parameter 30107 of θ, in layer 1 (dense), is NaN"), e.getMessage());
    }

    @Test
    void checkpointsAreCheckedAsModelsAreAndTheirStateToo() throws Exception {
        Path f = dir.resolve("ckpt.aiaas");
        Optimizer adam = Optimizers.adam(1e-3);
        try (Model m = mlp(DataType.FLOAT); Optimizer.State s = adam.newState(m.parameterCount(), m.dataType())) {
            ModelIO.saveCheckpoint(m, adam, s, 1, Map.of(), f);
        }
        byte[] good = Files.readAllBytes(f);
        try (ModelIO.Checkpoint c = ModelIO.loadCheckpoint(write(good))) {
            assertEquals(1, c.step());
        }
        Path bad = write(withEntry(good, "optimizer.step", "-3"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelIO.loadCheckpoint(bad).close());
        contains(e, "'optimizer.step' is -3");
        Path sgd = write(withEntry(good, "optimizer.name", "sgd"));
        e = assertThrows(ModelFormatException.class, () -> ModelIO.loadCheckpoint(sgd).close());
        contains(e, "the optimiser sgd needs 0 state arrays, the file has 2");
        // state arrays one value short of θ (each P − 1 float32 values)
        int thetaEnd = arraysAt(good) + 4 + 9 + P * 4;
        ByteBuffer shortState = ByteBuffer.allocate(thetaEnd + 2 * (9 + (P - 1) * 4) + 8);
        shortState.put(good, 0, thetaEnd);
        for (int k = 0; k < 2; k++) {
            shortState.put((byte) 1).putLong(P - 1).put(new byte[(P - 1) * 4]);
        }
        Path sh = write(recrc(shortState.array()));
        e = assertThrows(ModelFormatException.class, () -> ModelIO.loadCheckpoint(sh).close());
        contains(e, "optimiser state array 1 holds " + (P - 1) + " values, θ " + P);
        Path lr = write(withEntry(good, "optimizer.learning_rate", "NaN"));
        e = assertThrows(ModelFormatException.class, () -> ModelIO.loadCheckpoint(lr).close());
        contains(e, "inconsistent settings");
        // a NaN in the first moment (state array 1, float32 as the model): its values start after θ and its own descriptor
        int stateValues = arraysAt(good) + 4 + 9 + P * 4 + 9;
        byte[] nanState = good.clone();
        ByteBuffer.wrap(nanState).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(stateValues + 4 * 5, Float.NaN);
        Path ns = write(recrc(nanState));
        e = assertThrows(ModelFormatException.class, () -> ModelIO.loadCheckpoint(ns).close());
        contains(e, "value 5 of the optimiser state array 1 is NaN");
        try (ModelIO.Checkpoint c = ModelIO.loadCheckpoint(ns, LayerRegistry.standard(),
                ModelIO.LoadOptions.defaults().withAllowNonFinite(true))) {
            assertEquals(1, c.step());
        }
        // float64 state for a float32 model (as older files hold it): a value beyond float32's range would become infinite
        ByteBuffer b = ByteBuffer.allocate(stateValues - 9 + 2 * (9 + P * 8) + 8);
        b.put(good, 0, stateValues - 9);
        for (int k = 0; k < 2; k++) {
            b.put((byte) 2).putLong(P);
            ByteBuffer values = ByteBuffer.allocate(P * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            values.putDouble(8 * 7, k == 1 ? 1e39 : 0.5);
            b.put(values.array());
        }
        byte[] wide = recrc(b.array());
        Path w = write(wide);
        e = assertThrows(ModelFormatException.class, () -> ModelIO.loadCheckpoint(w).close());
        contains(e, "value 7 of the optimiser state array 2 is 1.0E39, beyond the float32 range");
        ByteBuffer.wrap(wide).order(java.nio.ByteOrder.LITTLE_ENDIAN).putDouble(stateValues + P * 8 + 9 + 8 * 7, 3e38);
        Path fits = write(recrc(wide));
        try (ModelIO.Checkpoint c = ModelIO.loadCheckpoint(fits); INDArray m1 = c.state().copyOut(0); INDArray v = c.state().copyOut(1)) {
            assertEquals(0.5f, m1.getFloat(7));
            assertEquals(3e38f, v.getFloat(7));
        }
    }

    @Test
    void gzippedTruncatedAndForeignFilesAreNamed() throws Exception {
        byte[] good = saved(DataType.FLOAT);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(good);
        }
        contains(refused(gz.toByteArray()), "is gzip-compressed; model files are read uncompressed", "gunzip crafted.aiaas");
        contains(refused(Arrays.copyOf(good, 20)), "is truncated: it has 20 bytes, and a model file has at least 28");
        contains(refused(Arrays.copyOf(good, 10)), "is truncated");
        contains(refused(new byte[0]), "is not an aiaas model");
        contains(refused(ModelFileBytes.withInt(good, 8, 0)), "format version 0 is not valid");
        contains(refused(ModelFileBytes.withInt(good, 8, -1)), "format version -1 is not valid");
    }

    @Test
    void loadOptionsAreValidatedAndRoundTripTheirSettings() {
        ModelIO.LoadOptions d = ModelIO.LoadOptions.defaults();
        assertEquals(new ModelIO.LoadOptions(1L << 30, 10_000, 32, 16 << 20, false), d);
        assertEquals(7, d.withMaxDepth(7).maxDepth());
        assertEquals(9, d.withMaxParameters(9).maxParameters());
        assertEquals(11, d.withMaxLayers(11).maxLayers());
        assertEquals(100, d.withMaxHeaderBytes(100).maxHeaderBytes());
        assertTrue(d.withAllowNonFinite(true).allowNonFinite());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.withMaxParameters(0));
        assertTrue(e.getMessage().contains("maxParameters=0; expected 1 to 2147483647"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.withMaxParameters(1L << 31));
        assertTrue(e.getMessage().contains("maxParameters=2147483648"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.withMaxDepth(Model.MAX_NESTING + 1));
        assertTrue(e.getMessage().contains("maxDepth=65; expected 1 to 64 (Model.MAX_NESTING"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.withMaxDepth(0));
        assertTrue(e.getMessage().contains("maxDepth=0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.withMaxLayers(0));
        assertTrue(e.getMessage().contains("maxLayers=0; expected at least 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.withMaxHeaderBytes(10));
        assertTrue(e.getMessage().contains("maxHeaderBytes=10; expected 64 to 1073741824"), e.getMessage());
    }

    @Test
    void aModelTooBigForTheMemoryIsANativeMemoryExceptionNamingTheSizes() {
        // Layers.dense(5_000_000) on 784 inputs: 3.9 billion parameters, 31 GB of θ and ∇θ
        NativeMemoryException e = assertThrows(NativeMemoryException.class,
                () -> Model.builder(784).add(Layers.dense(5_000_000)).build().close());
        assertTrue(e.getMessage().contains("the parameters θ and gradients ∇θ of a model with 3925000000 parameters (float32)"),
                e.getMessage());
        assertEquals(3_925_000_000L * 8, e.requestedBytes());
        assertTrue(e.limitBytes() < e.requestedBytes());
    }

    @Test
    void layersNestedBeyondMaxNestingAreRefusedByTheBuilder() {
        Layer l = Layers.relu();
        for (int d = 0; d < Model.MAX_NESTING; d++) {
            l = Layers.residual(l);
        }
        Layer deep = l;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Model.builder(4).add(deep).build().close());
        assertTrue(e.getMessage().contains("layers nest more than 64 deep (a relu layer at depth 65)"), e.getMessage());
        Layer ok = ((dev.aiaas.core.nn.Residual) deep).children().values().iterator().next();
        try (Model m = Model.builder(4).add(ok).build()) {
            assertEquals(0, m.parameterCount());
        }
    }

    /** The deepest nesting the limits allow loads and saves without overflowing the stack. */
    @Test
    void theDeepestAllowedNestingRoundTrips() throws Exception {
        Layer l = Layers.dense(4);
        for (int d = 1; d < Model.MAX_NESTING; d++) {
            l = Layers.residual(l);
        }
        Path f = dir.resolve("deep.aiaas");
        try (Model m = Model.builder(4).add(l).seed(2).build()) {
            ModelIO.save(m, f);
            try (Model back = ModelIO.load(f, ModelIO.LoadOptions.defaults().withMaxDepth(Model.MAX_NESTING))) {
                assertEquals(m.layers(), back.layers());
                assertEquals(m.parameters(), back.parameters());
            }
        }
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelIO.load(f).close());
        contains(e, "is nested 33 deep, more than the limit of 32");
    }

    @Test
    void aGoodFileStillLoadsWithTheSameValues() throws Exception {
        Path f = write(saved(DataType.DOUBLE));
        try (Model m = mlp(DataType.DOUBLE); Model back = ModelIO.load(f)) {
            assertEquals(m.parameters(), back.parameters());
            assertArrayEquals(m.outputShape(), back.outputShape());
        }
    }
}
