package dev.aiaas.core.io;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.Initializer;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The models behind the golden model files {@code model-format-v1-norm.aiaas} and
 * {@code model-format-v1-sequence.aiaas} (beside {@code model-format-v1.aiaas}, which holds
 * {@code ModelIOTest.everyLayer(FLOAT)}): between them and that file, every built-in layer type
 * as written by the library before layers were decoded through {@link LayerRegistry}. The files
 * were written from these models, as initialised from their seeds, by the classes of commit
 * 34c5b22 (the last with the closed list of layer types):
 *
 * <pre>
 * java -cp /work/baseline/core-classes:aiaas-core/target/test-classes:/work/baseline/aiaas.jar \
 *     dev.aiaas.core.io.LayerFixtures aiaas-core/src/test/resources/dev/aiaas/core/io
 * </pre>
 *
 * <p>{@code ModelIOTest} loads them and checks that each gives these models back and that saving
 * them again writes the same layer keys.
 */
public final class LayerFixtures {

    private LayerFixtures() {
    }

    /** Dense, batch norm, the activation layers, dropout, layer norm and a residual block, float32, seed 5. */
    public static Model norm() {
        return Model.builder(6)
                .add(Layers.dense(8)).add(Layers.batchNorm(0.9, 1e-5)).add(Layers.relu()).add(Layers.dropout(0.3))
                .add(Layers.residual(Layers.layerNorm(1e-4), Layers.dense(8), Layers.leakyRelu(0.2)))
                .add(Layers.gelu()).add(Layers.identity()).add(Layers.dense(2)).add(Layers.softmax())
                .seed(5).build();
    }

    /** Embedding, LSTM and time-distributed layers (dense and dropout), float64, seed 2. */
    public static Model sequence() {
        return Model.builder(5)
                .add(Layers.embedding(5, 3))
                .add(Layers.lstm(4, Initializer.heNormal(), Initializer.glorotNormal(), 0.5))
                .add(Layers.timeDistributed(Layers.dropout(0.1)))
                .add(Layers.timeDistributed(Layers.dense(5, Activation.TANH)))
                .dataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE).seed(2).build();
    }

    /**
     * Learned and sinusoidal positions, a causal pre-LN transformer block (multi-head attention,
     * layer norms, GELU MLP, dropout) and a time-distributed output, float32, seed 3: the golden
     * file {@code model-format-v1-attention.aiaas}, written by the classes of branch v17-attention
     * (the first with these layer types) with {@code args[1] = attention}.
     */
    public static Model attention() {
        Model.Builder b = Model.builder(5).add(Layers.embedding(7, 6)).add(Layers.positionEmbedding(8)).add(Layers.sinusoidalPositions(8));
        Layers.transformerBlock(6, 2, 8, 0.1, true).forEach(b::add);
        return b.add(Layers.timeDistributed(Layers.dense(7))).seed(3).build();
    }

    /** Writes the two files into the folder {@code args[0]}; with {@code args[1] = attention}, the attention file only. */
    public static void main(String[] args) throws IOException {
        Backends.select();
        Path dir = Path.of(args[0]);
        if (args.length > 1 && args[1].equals("attention")) {
            try (Model m = attention()) {
                ModelIO.save(m, dir.resolve("model-format-v1-attention.aiaas"), Map.of("fixture", "LayerFixtures.attention()"));
            }
            return;
        }
        try (Model m = norm()) {
            ModelIO.save(m, dir.resolve("model-format-v1-norm.aiaas"), Map.of("fixture", "LayerFixtures.norm()"));
        }
        try (Model m = sequence()) {
            ModelIO.save(m, dir.resolve("model-format-v1-sequence.aiaas"), Map.of("fixture", "LayerFixtures.sequence()"));
        }
    }
}
