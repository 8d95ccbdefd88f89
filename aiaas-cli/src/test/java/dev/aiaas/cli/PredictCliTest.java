package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.data.Csv;
import dev.aiaas.core.data.Idx;
import dev.aiaas.core.data.IdxData;
import dev.aiaas.core.data.Table;
import dev.aiaas.core.io.ModelIO;
import dev.aiaas.core.nn.Model;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code aiaas predict} for a model trained on IDX images: an IDX file, or a CSV of pixel values
 * with or without a header, give the outputs that {@link Model#predict} gives on pixel / 255.
 */
class PredictCliTest {

    @TempDir
    static Path dir;
    static Path model;
    /** Three 2x2 "images" of unsigned bytes. */
    static final int[][] PIXELS = {{0, 255, 51, 102}, {255, 255, 0, 0}, {1, 2, 3, 4}};

    @BeforeAll
    static void saveAnUntrainedModel() throws IOException {
        model = dir.resolve("images.aiaas");
        try (Model m = TrainCommand.mlp(4, 8, 3, 5)) {
            ModelIO.save(m, model);
        }
    }

    /** What the model outputs for the images, computed here through the library. */
    static float[][] expected() throws IOException {
        float[][] x = new float[PIXELS.length][4];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 4; j++) {
                x[i][j] = PIXELS[i][j] / 255f;
            }
        }
        try (Model m = ModelIO.load(model); INDArray in = Nd4j.createFromArray(x); INDArray y = m.predict(in)) {
            return y.toFloatMatrix();
        }
    }

    static String pixelCsv(boolean header) {
        StringBuilder sb = new StringBuilder(header ? "p0,p1,p2,p3\n" : "");
        for (int[] image : PIXELS) {
            StringJoiner j = new StringJoiner(",");
            for (int v : image) {
                j.add(Float.toString(v / 255f));
            }
            sb.append(j).append('\n');
        }
        return sb.toString();
    }

    static void checkOutput(String csv) throws IOException {
        Table t = Csv.readTable(new StringReader(csv), "out", ',');
        assertEquals(List.of("class", "output0", "output1", "output2"), t.columns());
        float[][] want = expected();
        assertEquals(want.length, t.size());
        for (int r = 0; r < want.length; r++) {
            int best = 0;
            for (int c = 0; c < 3; c++) {
                assertEquals(want[r][c], Float.parseFloat(t.cell(r, c + 1)), "row " + r + " output " + c);
                best = want[r][c] > want[r][best] ? c : best;
            }
            assertEquals(Integer.toString(best), t.cell(r, 0));
        }
    }

    @Test
    void idxFilesPlainAndGzipped() throws Exception {
        byte[] bytes = new byte[PIXELS.length * 4];
        for (int i = 0; i < PIXELS.length; i++) {
            for (int j = 0; j < 4; j++) {
                bytes[i * 4 + j] = (byte) PIXELS[i][j];
            }
        }
        IdxData images = new IdxData(new int[] {PIXELS.length, 2, 2}, bytes);
        Path plain = dir.resolve("images-idx3-ubyte");
        Path gz = dir.resolve("images-idx3-ubyte.gz");
        Idx.write(images, plain, false);
        Idx.write(images, gz, true);
        checkOutput(TableCliTest.ok("predict", "--model", model.toString(), "--input", plain.toString()).out());
        Path out = dir.resolve("p.csv");
        TableCliTest.ok("predict", "--model", model.toString(), "--input", gz.toString(), "--out", out.toString());
        checkOutput(Files.readString(out));
        IdxData wide = new IdxData(new int[] {1, 3, 3}, new byte[9]);
        Path nine = dir.resolve("nine-idx3-ubyte");
        Idx.write(wide, nine, false);
        TableCliTest.failure(CliTest.run("predict", "--model", model.toString(), "--input", nine.toString()),
                "holds items of shape [3, 3] (9 values)", "takes 4 values per image");
    }

    /** IDX by content (00 00 08), plain or gzipped; anything else, a bad gzip stream among it, is read as CSV. */
    @Test
    void isIdxLooksAtTheContent() throws Exception {
        IdxData images = new IdxData(new int[] {1, 2, 2}, new byte[4]);
        Path plain = dir.resolve("content-plain");
        Path gz = dir.resolve("content-gz.csv");
        Idx.write(images, plain, false);
        Idx.write(images, gz, true);
        assertTrue(PredictCommand.isIdx(plain));
        assertTrue(PredictCommand.isIdx(gz), "the content decides, not the name");
        assertFalse(PredictCommand.isIdx(Files.writeString(dir.resolve("content.idx"), pixelCsv(true))));
        assertFalse(PredictCommand.isIdx(Files.write(dir.resolve("content-empty"), new byte[0])));
        assertFalse(PredictCommand.isIdx(Files.write(dir.resolve("content-short"), new byte[] {0, 0})));
        // the gzip magic, then compression method 0 where gzip has 8 (deflate)
        Path badGzip = Files.write(dir.resolve("content-badgz"), new byte[] {0x1f, (byte) 0x8b, 0, 0, 0, 0, 0, 0, 0, 0});
        assertFalse(PredictCommand.isIdx(badGzip));
    }

    @Test
    void csvPixelsWithOrWithoutAHeader() throws Exception {
        for (boolean header : new boolean[] {true, false}) {
            Path csv = Files.writeString(dir.resolve("pixels-" + header + ".csv"), pixelCsv(header));
            checkOutput(TableCliTest.ok("predict", "--model", model.toString(), "--input", csv.toString()).out());
        }
        Path onlyHeader = Files.writeString(dir.resolve("empty.csv"), "p0,p1,p2,p3\n");
        assertEquals("class,output0,output1,output2\n", TableCliTest.ok("predict", "--model", model.toString(), "--input",
                onlyHeader.toString()).out());
    }

    @Test
    void badPixelRowsNameTheLineColumnAndFix() throws Exception {
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"0,1,0.5,255\n", "at line 1, column 4: found '255', expected a pixel value in [0, 1]",
            "divide 0-255 values by 255"});
        cases.add(new String[] {"0,1,0.5,0\n0,-0.1,0,0\n", "at line 2, column 2: found '-0.1'"});
        cases.add(new String[] {"a,b,c,d\n0,1,0.5,0\n0,1,dark,0\n", "at line 3, column 3: found 'dark', expected a pixel value"});
        cases.add(new String[] {"0,1,0.5\n", "at line 1: found 3 values, expected 4 (one image per line", "pixels on one line"});
        cases.add(new String[] {"0,1,0.5,0\n0,1\n", "at line 2: found 2 cells, expected 4 cells, as on the first line"});
        for (String[] c : cases) {
            Path csv = Files.writeString(dir.resolve("bad.csv"), c[0]);
            String[] parts = new String[c.length - 1];
            System.arraycopy(c, 1, parts, 0, parts.length);
            TableCliTest.failure(CliTest.run("predict", "--model", model.toString(), "--input", csv.toString()), parts);
        }
        TableCliTest.usageError(CliTest.run("predict", "--model", model.toString(), "--input", dir.resolve("bad.csv").toString(),
                "--unknown-category", "zeros"), "--unknown-category applies to tables");
        assertTrue(Files.exists(model));
    }
}
