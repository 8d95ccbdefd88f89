package dev.aiaas.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import onnx.Onnx;
import org.nd4j.shade.protobuf.CodedInputStream;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * Imports pretrained ONNX models into aiaas layers (the graph is read and mapped, not run by
 * ONNX Runtime). The one family mapped so far: BERT-family sentence encoders (BERT, MiniLM such
 * as all-MiniLM-L6-v2, and their kin exported from Hugging Face with {@code torch.onnx.export}),
 * as a {@link TransformerEncoder}.
 *
 * <pre>{@code
 * try (TransformerEncoder encoder = OnnxImport.encoder(Path.of("all-minilm-l6-v2.onnx"))) {
 *     float[][] vectors = encoder.embed(new int[][] {{101, 7592, 2088, 102}});  // [1][384], unit length
 * }
 * }</pre>
 *
 * The ids come from the model's WordPiece tokenizer ({@code tokenizer.json}).
 */
public final class OnnxImport {

    /** The largest file read: protobuf messages are limited to 2 GiB. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private OnnxImport() {
    }

    /**
     * Reads an ONNX file and maps its graph onto a {@link TransformerEncoder}.
     *
     * @param file an fp32 ONNX file of a BERT-family encoder (inputs ids, attention mask and
     *             optionally token types; first output the last hidden state), weights inside the file
     * @return the encoder; close it when done
     * @throws UnsupportedOperatorException when the graph holds an operator the importer does not map (named)
     * @throws OnnxImportException          when the file is not a readable ONNX model (truncated, corrupt) or
     *                                      its graph is not a BERT-family encoder (the node named)
     * @throws IOException                  when the file cannot be read
     */
    public static TransformerEncoder encoder(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new OnnxImportException(file + ": " + size + " bytes; ONNX files over 2 GiB keep their weights in external "
                    + "data files, which the importer does not read");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return encoder(in, file.toString());
        }
    }

    /**
     * Reads an ONNX model from a stream (read to its end, not closed) and maps it as {@link #encoder(Path)}.
     *
     * @param in     the model's bytes
     * @param source a name for messages (a file name, a resource)
     * @return the encoder
     * @throws IOException as {@link #encoder(Path)}
     */
    public static TransformerEncoder encoder(InputStream in, String source) throws IOException {
        EncoderWeights weights;
        try {
            weights = new BertGraphMatcher(read(in, source)).match();
        } catch (IllegalArgumentException | ArithmeticException e) { // sizes beyond an int, or an invalid Config
            throw new OnnxImportException(source + ": the graph's sizes are not a valid encoder (" + e.getMessage()
                    + "); the file is corrupt or not a BERT-family encoder", e);
        }
        return new TransformerEncoder(weights);
    }

    /**
     * Reads an ONNX model from bytes and maps it as {@link #encoder(Path)}.
     *
     * @param bytes  the model file's content
     * @param source a name for messages
     * @return the encoder
     * @throws IOException as {@link #encoder(Path)}
     */
    public static TransformerEncoder encoder(byte[] bytes, String source) throws IOException {
        return encoder(new java.io.ByteArrayInputStream(bytes), source);
    }

    /** Parses the model and checks it has a graph. */
    static OnnxGraph read(InputStream in, String source) throws IOException {
        Onnx.ModelProto model;
        try {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            model = Onnx.ModelProto.parseFrom(coded);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxImportException(source + ": not a readable ONNX model (" + e.getMessage()
                    + "); the file is truncated, corrupt or not ONNX: download or export it again", e);
        }
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new OnnxImportException(source + ": the file holds no graph (an ONNX ModelProto with nodes was expected); "
                    + "it is empty, truncated or not an ONNX model");
        }
        return new OnnxGraph(source, model.getGraph());
    }
}
