package dev.aiaas.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import onnx.Onnx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files the importer refuses, each with a typed exception naming what is wrong: an unknown
 * operator (named with its node), a known operator in a structure it does not map, a truncated
 * file, a tensor whose data does not fill its dims, bytes that are not ONNX.
 */
class OnnxImportErrorsTest {

    private static Onnx.ModelProto miniLm;

    @BeforeAll
    static void load() throws Exception {
        Backends.current();
        miniLm = Onnx.ModelProto.parseFrom(MiniLm.bytes());
    }

    /** MiniLM with the first node of the given operator changed to another operator. */
    private static byte[] withOperator(String from, String to, String[] nodeName) {
        Onnx.ModelProto.Builder m = miniLm.toBuilder();
        Onnx.GraphProto.Builder g = m.getGraphBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals(from)) {
                nodeName[0] = g.getNode(i).getName();
                g.setNode(i, g.getNode(i).toBuilder().setOpType(to));
                return m.build().toByteArray();
            }
        }
        throw new AssertionError("no " + from + " node");
    }

    @Test
    void anUnknownOperatorIsRefusedWithItsNameAndNode() {
        Onnx.NodeProto conv = Onnx.NodeProto.newBuilder().setOpType("Conv").setName("stem/conv1").addInput("x").addInput("w")
                .addOutput("y").build();
        byte[] tiny = Onnx.ModelProto.newBuilder().setIrVersion(7)
                .setGraph(Onnx.GraphProto.newBuilder().setName("g").addNode(conv)).build().toByteArray();
        UnsupportedOperatorException e = assertThrows(UnsupportedOperatorException.class, () -> OnnxImport.encoder(tiny, "tiny.onnx"));
        assertEquals("Conv", e.operator());
        assertEquals("stem/conv1", e.node());
        assertTrue(e.getMessage().contains("operator Conv (node stem/conv1) is not supported"), e.getMessage());

        String[] node = new String[1];
        byte[] celu = withOperator("Erf", "Celu", node);
        UnsupportedOperatorException f = assertThrows(UnsupportedOperatorException.class, () -> OnnxImport.encoder(celu, "celu.onnx"));
        assertEquals("Celu", f.operator());
        assertEquals(node[0], f.node());
        assertTrue(f.getMessage().startsWith("celu.onnx: operator Celu (node " + node[0] + ")"), f.getMessage());
    }

    @Test
    void aKnownOperatorInAnUnknownStructureIsRefusedNamingTheNode() {
        String[] node = new String[1];
        byte[] sqrt = withOperator("Erf", "Sqrt", node); // GELU's erf replaced: no longer a GELU
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImport.encoder(sqrt, "sqrt.onnx"));
        assertFalse(e instanceof UnsupportedOperatorException, e.getMessage());
        assertTrue(e.getMessage().contains("cannot map node") && e.getMessage().contains("GELU"), e.getMessage());
    }

    @Test
    void aTruncatedFileIsRefused(@TempDir Path dir) throws Exception {
        byte[] all = MiniLm.bytes();
        Path half = dir.resolve("half.onnx");
        Files.write(half, Arrays.copyOf(all, all.length / 2));
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImport.encoder(half));
        assertTrue(e.getMessage().startsWith(half.toString()) && e.getMessage().contains("truncated"), e.getMessage());
        Path head = dir.resolve("head.onnx");
        Files.write(head, Arrays.copyOf(all, 100));
        OnnxImportException f = assertThrows(OnnxImportException.class, () -> OnnxImport.encoder(head));
        assertTrue(f.getMessage().contains("truncated"), f.getMessage());
    }

    @Test
    void bytesThatAreNotOnnxAreRefused() {
        byte[] text = "this is not an ONNX model\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImport.encoder(text, "notes.txt"));
        assertTrue(e.getMessage().startsWith("notes.txt: "), e.getMessage());
        OnnxImportException f = assertThrows(OnnxImportException.class, () -> OnnxImport.encoder(new byte[0], "empty.onnx"));
        assertTrue(f.getMessage().contains("no graph"), f.getMessage());
    }

    /** A weight whose dims promise more values than its data holds is refused before an array of that size is made. */
    @Test
    void aTensorShorterThanItsDimsIsRefused() {
        Onnx.ModelProto.Builder m = miniLm.toBuilder();
        Onnx.GraphProto.Builder g = m.getGraphBuilder();
        String name = null;
        for (int i = 0; i < g.getInitializerCount(); i++) {
            Onnx.TensorProto t = g.getInitializer(i);
            if (t.getDimsCount() == 2 && t.getDims(0) == 30522) { // the word table: one row more than its data holds
                name = t.getName();
                g.setInitializer(i, t.toBuilder().setDims(0, 30523));
                break;
            }
        }
        String weight = name;
        byte[] bad = m.build().toByteArray();
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImport.encoder(bad, "bad.onnx"));
        assertTrue(e.getMessage().contains("tensor '" + weight + "'") && e.getMessage().contains("holds 46881792 bytes"), e.getMessage());
    }
}
