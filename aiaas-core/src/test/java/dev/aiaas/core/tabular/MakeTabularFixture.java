package dev.aiaas.core.tabular;

import dev.aiaas.core.data.Feature;
import dev.aiaas.core.data.LabelEncoder;
import dev.aiaas.core.data.Preprocessor;
import dev.aiaas.core.nn.Layers;
import dev.aiaas.core.nn.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes the golden file {@code tabular-format-1.aiaas} that {@link TabularModelTest} loads: a
 * hand-set fruit classifier whose answers can be worked out by hand ({@link #preprocessor()},
 * {@link #model()}). A file written by a release must load forever after, so the committed one is
 * kept as it is; this class documents how it was made:
 *
 * <pre>
 * mvn -o -q -pl aiaas-core test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp aiaas-core/target/classes:aiaas-core/target/test-classes:$(cat /tmp/cp.txt) \
 *     dev.aiaas.core.tabular.MakeTabularFixture aiaas-core/src/test/resources/dev/aiaas/core/tabular/tabular-format-1.aiaas
 * </pre>
 */
public final class MakeTabularFixture {

    private MakeTabularFixture() {
    }

    /**
     * Inputs: w = (weight_g − 100) / 50, then colour one-hot over [green, red, yellow]; the
     * classes apple, banana, cherry. The label column's name and a category hold characters the
     * file must escape or keep (a line break, a comma).
     */
    static Preprocessor preprocessor() {
        return new Preprocessor("fruit\nname", new LabelEncoder(List.of("apple", "banana", "cherry")), List.of(
                new Feature.Numeric("weight_g", 100, 50),
                new Feature.Categorical("colour", List.of("green", "red", "yellow, ripe"))));
    }

    /**
     * dense(4 -> 3), no activation, b = 0: apple = w + 2·green + red, banana = 2·yellow,
     * cherry = red − w. θ is W [in, units] column-major, then b.
     */
    static Model model() {
        Model m = Model.builder(4).add(Layers.dense(3)).seed(1).build();
        m.parameters().assign(Nd4j.createFromArray(new float[] {
            1, 2, 1, 0,    // apple: w, green, red, yellow
            0, 0, 0, 2,    // banana
            -1, 0, 1, 0,   // cherry
            0, 0, 0}));    // b
        return m;
    }

    /**
     * Saves the fixture.
     *
     * @param args the file to write
     * @throws Exception when writing fails
     */
    public static void main(String[] args) throws Exception {
        try (TabularModel model = new TabularModel(model(), preprocessor())) {
            model.save(Path.of(args[0]), Map.of("note", "golden file of tabular.format 1 (MakeTabularFixture)"));
        }
    }
}
