package dev.aiaas.vision.nn;

import dev.aiaas.core.backend.Backends;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes the golden files that {@link VisionFormatFixtureTest} loads: for each of
 * {@link #FIXTURES}, a float32 model file {@code NAME.aiaas} holding every vision layer kind
 * between them, and {@code NAME.txt} with three input rows and the outputs that the model
 * predicted for them when it was written. A file written by a release must load and predict the
 * same forever after, so the committed files are kept as they are; this class documents how they
 * were made (run it again only for a new format version, under new names):
 *
 * <pre>
 * mvn -B -q -pl aiaas-vision -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java --add-modules jdk.incubator.vector \
 *     -cp aiaas-vision/target/test-classes:aiaas-vision/target/classes:$(cat /tmp/cp.txt) \
 *     dev.aiaas.vision.nn.MakeVisionFixture aiaas-vision/src/test/resources/dev/aiaas/vision/nn
 * </pre>
 *
 * (Run into another directory, it writes the same {@code .txt} files byte for byte: checked when
 * they were committed.)
 *
 * <p>θ is not the initialisers' output (a change of initialiser must not change the fixture's
 * meaning): every value is drawn uniformly from [−0.5, 0.5) from seed 15, the batch norms'
 * running variances from [0.5, 1.5), so that γ, β and the running statistics are all different
 * from their initial 1, 0, 0, 1 and a reader that dropped or reordered any of them predicts
 * something else.
 */
public final class MakeVisionFixture {

    /** The golden files' base names. */
    static final List<String> FIXTURES = List.of("vision-format-1-pooling", "vision-format-1-flatten");

    /** The input rows in each {@code .txt} file. */
    static final int ROWS = 3;

    private MakeVisionFixture() {
    }

    /**
     * The architecture of a fixture.
     *
     * @param name one of {@link #FIXTURES}
     * @return a builder for float32, the layers as the file must decode them
     */
    static Model.Builder builder(String name) {
        return switch (name) {
            // [2, 8, 8] → conv 3×3 pad 1 → [4, 8, 8] → bn, relu → max pool 3 stride 2 pad 1 → [4, 4, 4]
            // → residual(conv same, no bias; bn) → depthwise 3×3 same → conv 3×3 dilation 2 pad 2 → [6, 4, 4]
            // → avg pool 2 → [6, 2, 2] → global avg pool → [6] → dense 3
            case "vision-format-1-pooling" -> Model.builder(2 * 8 * 8)
                    .add(ConvLayers.unflatten(2, 8, 8))
                    .add(ConvLayers.conv2d(4, 3).withPadding(Padding.of(1)))
                    .add(ConvLayers.batchNorm2d(0.9, 1e-5)).add(Layers.relu())
                    .add(new MaxPool2d(3, 3, 2, 2, 1, 1))
                    .add(Layers.residual(ConvLayers.conv2d(4, 3).withPadding(Padding.same()).withBias(false),
                            ConvLayers.batchNorm2d()))
                    .add(ConvLayers.depthwiseConv2d(4, 3))
                    .add(ConvLayers.conv2d(6, 3).withDilation(2, 2).withPadding(Padding.of(2)))
                    .add(ConvLayers.avgPool2d(2))
                    .add(ConvLayers.globalAvgPool())
                    .add(Layers.dense(3));
            // [1, 7, 6] → conv 2×3 stride (2, 1) groups 1 → [3, 3, 4] → relu → avg pool 3 stride 1 pad 1 → [3, 3, 4]
            // → flatten → [36] → dense 3
            case "vision-format-1-flatten" -> Model.builder(7 * 6)
                    .add(ConvLayers.unflatten(1, 7, 6))
                    .add(ConvLayers.conv2d(3, 2, 3).withStride(2, 1))
                    .add(Layers.relu())
                    .add(new AvgPool2d(3, 3, 1, 1, 1, 1))
                    .add(ConvLayers.flatten())
                    .add(Layers.dense(3));
            default -> throw new IllegalArgumentException("no fixture named " + name + "; the fixtures are " + FIXTURES);
        };
    }

    /**
     * The fixture's model with its θ and input rows set as described in the class comment.
     *
     * @param name one of {@link #FIXTURES}
     * @return the model (owned by the caller) and {@link #ROWS} input rows
     */
    static Fixture fixture(String name) {
        Model model = builder(name).seed(15).dataType(DataType.FLOAT).build();
        SplittableRandom random = new SplittableRandom(15);
        long p = model.parameterCount();
        float[] theta = new float[Math.toIntExact(p)];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = (float) (random.nextDouble() - 0.5);
        }
        for (long[] s : model.stateSlices()) { // each batch norm's state: running mean [C], then running variance [C]
            long half = (s[1] - s[0]) / 2;
            for (long i = s[0] + half; i < s[1]; i++) {
                theta[Math.toIntExact(i)] = (float) (0.5 + random.nextDouble());
            }
        }
        model.parameters().assign(Nd4j.createFromArray(theta));
        long in = model.inputShape()[0];
        float[][] x = new float[ROWS][Math.toIntExact(in)];
        for (float[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) random.nextDouble();
            }
        }
        return new Fixture(model, x);
    }

    /**
     * A fixture's model and input rows.
     *
     * @param model the model, θ set
     * @param x     the input rows
     */
    record Fixture(Model model, float[][] x) {
    }

    /**
     * Writes {@code NAME.aiaas} and {@code NAME.txt} for every fixture.
     *
     * @param args the directory to write into
     * @throws IOException when writing fails
     */
    public static void main(String[] args) throws IOException {
        Backends.current();
        Path dir = Path.of(args[0]);
        for (String name : FIXTURES) {
            Fixture f = fixture(name);
            try (Model m = f.model()) {
                ModelIO.save(m, dir.resolve(name + ".aiaas"), Map.of("note", "golden file of the vision layers (MakeVisionFixture)"));
                INDArray y = m.predict(Nd4j.createFromArray(f.x()));
                List<String> lines = new ArrayList<>();
                for (int r = 0; r < ROWS; r++) {
                    lines.add("x" + r + " " + join(f.x()[r]));
                    lines.add("y" + r + " " + join(y.getRow(r).toFloatVector()));
                }
                Files.write(dir.resolve(name + ".txt"), lines, StandardCharsets.UTF_8);
            }
        }
    }

    private static String join(float[] v) {
        StringBuilder b = new StringBuilder();
        for (float f : v) {
            b.append(b.length() == 0 ? "" : " ").append(Float.toString(f)); // exact: reads back as the same float
        }
        return b.toString();
    }
}
