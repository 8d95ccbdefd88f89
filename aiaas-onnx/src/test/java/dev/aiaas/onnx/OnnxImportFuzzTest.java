package dev.aiaas.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.aiaas.core.backend.Backends;
import java.util.Arrays;
import java.util.SplittableRandom;
import onnx.Onnx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Damaged and hostile ONNX files: truncations of a small valid encoder (the tiny BERT of
 * {@link GraphVariantsTest}), seeded random byte flips, and weights that declare more elements
 * than a Java array or the heap holds; each imports or ends in {@link OnnxImportException} before
 * memory runs out, never another throwable. Runs in the fuzz JVM (256 MB heap);
 * {@code -Daiaas.fuzz.scale=N} multiplies the flips.
 */
@Tag("fuzz")
class OnnxImportFuzzTest {

    private static final int SCALE = Integer.getInteger("aiaas.fuzz.scale", 1);
    private static byte[] model;

    @BeforeAll
    static void build() {
        Backends.current();
        model = GraphVariantsTest.model(false);
    }

    /** Imports; true when it imported, false on an OnnxImportException. */
    private static boolean imports(byte[] file) {
        try (TransformerEncoder e = OnnxImport.encoder(file, "fuzz.onnx")) {
            assertTrue(e.config().dim() >= 1);
            return true;
        } catch (OnnxImportException e) {
            assertTrue(e.getMessage().length() < 4000, e.getMessage());
            return false;
        } catch (Throwable t) {
            fail("a damaged ONNX file must end in OnnxImportException, not " + t, t);
            return false;
        }
    }

    @Test
    void everyTruncationIsRefusedOrImports() {
        assertTrue(imports(model));
        int step = Math.max(1, model.length / (2000 * SCALE));
        for (int n = 0; n < model.length; n += step) {
            assertTrue(!imports(Arrays.copyOf(model, n)) || n > 0, "a prefix of " + n + " bytes");
        }
    }

    @Test
    void randomByteFlipsAreRefusedOrImport() {
        SplittableRandom r = new SplittableRandom(17);
        int refused = 0;
        for (int i = 0; i < 500 * SCALE; i++) {
            byte[] b = model.clone();
            int flips = 1 + r.nextInt(4);
            for (int f = 0; f < flips; f++) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            refused += imports(b) ? 0 : 1;
        }
        assertTrue(refused > 0, "no flip was refused");
    }

    /** A word table declaring more rows than an int counts: refused by name (its data is never read). */
    @Test
    void aTableBeyondAnIntIsRefused() throws Exception {
        Onnx.ModelProto.Builder b = Onnx.ModelProto.parseFrom(model).toBuilder();
        Onnx.GraphProto.Builder g = b.getGraphBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals("word")) {
                g.setInitializer(i, g.getInitializer(i).toBuilder().setDims(0, 3_000_000_000L));
            }
        }
        byte[] bad = b.build().toByteArray();
        try (TransformerEncoder e = OnnxImport.encoder(bad, "wide.onnx")) {
            fail("imported a word table of 3e9 rows");
        } catch (OnnxImportException e) {
            assertTrue(e.getMessage().startsWith("wide.onnx: "), e.getMessage());
        }
    }

    /** A weight declaring 10⁹ × 10⁹ elements, or one more row than its data: refused by name, nothing allocated for it. */
    @Test
    void hugeDeclaredTensorsAreRefusedBeforeAllocation() throws Exception {
        Onnx.ModelProto m = Onnx.ModelProto.parseFrom(model);
        for (long[] dims : new long[][] {{1_000_000_000L, 1_000_000_000L}, {100_000L, 8}, {9, 8}}) {
            Onnx.ModelProto.Builder b = m.toBuilder();
            Onnx.GraphProto.Builder g = b.getGraphBuilder();
            for (int i = 0; i < g.getInitializerCount(); i++) {
                Onnx.TensorProto t = g.getInitializer(i);
                if (t.getDimsCount() == 2 && t.getDims(0) == 8 && t.getDims(1) == 8) { // the first attention projection
                    g.setInitializer(i, t.toBuilder().clearDims().addDims(dims[0]).addDims(dims[1]));
                    break;
                }
            }
            byte[] bad = b.build().toByteArray();
            try (TransformerEncoder e = OnnxImport.encoder(bad, "huge.onnx")) {
                fail("imported a weight declared as " + Arrays.toString(dims));
            } catch (OnnxImportException e) {
                assertTrue(e.getMessage().startsWith("huge.onnx: "), e.getMessage());
            } catch (Throwable t) {
                fail("expected an OnnxImportException for dims " + Arrays.toString(dims) + ", not " + t, t);
            }
        }
    }
}
