package dev.aiaas.vision.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.vision.image.Image;
import org.junit.jupiter.api.Test;

/** The pipeline syntax: what parses to what, and every kind of bad step named in the error. */
class PipelineSpecTest {

    @Test
    void aSpecIsTheCompositionOfItsSteps() {
        Image in = TransformConformanceTest.textured(5);
        Transform parsed = PipelineSpec.parse(" resize:20:28:nearest , hflip:1 ,jitter:0.3:0:0:0");
        Transform built = Transforms.compose(Transforms.resize(20, 28, Interpolation.NEAREST), Transforms.horizontalFlip(1),
                Transforms.colorJitter(0.3, 0, 0, 0));
        for (long seed = 0; seed < 5; seed++) {
            assertEquals(built.apply(in, seed), parsed.apply(in, seed));
        }
        Image d = PipelineSpec.parse(PipelineSpec.DEFAULT).apply(in, 1);
        assertEquals(224, d.height());
        assertEquals(224, d.width());
    }

    @Test
    void helpListsEveryStep() {
        assertEquals(PipelineSpec.names().size(), PipelineSpec.help().size());
        for (int i = 0; i < PipelineSpec.names().size(); i++) {
            assertTrue(PipelineSpec.help().get(i).startsWith(PipelineSpec.names().get(i)));
        }
    }

    private static String bad(String spec) {
        return assertThrows(PipelineSpecException.class, () -> PipelineSpec.parse(spec)).getMessage();
    }

    @Test
    void badStepsAreNamed() {
        String m = bad("hflip,twirl:3");
        assertTrue(m.contains("'twirl:3'") && m.contains("unknown step") && m.contains("random-resized-crop"), m);
        m = bad("rotate");
        assertTrue(m.contains("'rotate'") && m.contains("takes 1 to 2 arguments, got 0") && m.contains("usage: rotate:DEG"), m);
        m = bad("resize:abc");
        assertTrue(m.contains("argument 1 'abc' is not a number"), m);
        m = bad("resize:10:10:lanczos");
        assertTrue(m.contains("interpolation 'lanczos'"), m);
        m = bad("hflip:1.5");
        assertTrue(m.contains("'hflip:1.5'") && m.contains("probability"), m);
        m = bad("center-crop:0");
        assertTrue(m.contains("expected pixels from 1"), m);
        m = bad("center-crop:2.5");
        assertTrue(m.contains("whole number"), m);
        m = bad("blur:4");
        assertTrue(m.contains("odd"), m);
        m = bad("jitter:0.1:0.1:0.1:0.9");
        assertTrue(m.contains("hue=0.9"), m);
        m = bad("hflip,,vflip");
        assertTrue(m.contains("empty step"), m);
        m = bad("  ");
        assertTrue(m.contains("empty"), m);
        m = bad("resize:NaN");
        assertTrue(m.contains("not finite"), m);
        m = bad("pad:2:wrap");
        assertTrue(m.contains("pad mode 'wrap'"), m);
        assertEquals("twirl", assertThrows(PipelineSpecException.class, () -> PipelineSpec.parse("twirl")).part());
    }
}
