package dev.aiaas.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class EmbeddedDatasetsTest {

    /** The files are the ones whose MD5 the README beside them records (how they were made is there too). */
    @Test
    void fashionMnistFilesMatchTheChecksumsInTheirReadme() throws IOException, NoSuchAlgorithmException {
        assertFilesMatchTheChecksumsInTheReadme(EmbeddedDatasets.FASHION_MNIST, EmbeddedDatasets.FASHION_MNIST_FILES);
        assertTrue(text(EmbeddedDatasets.FASHION_MNIST + "LICENSE").contains("Copyright (c) 2017 Zalando SE"));
    }

    /** The Iris table: the file its README records, 150 rows of 5 cells under the header, 50 per species. */
    @Test
    void irisIsTheRecordedTableOf150Rows() throws IOException, NoSuchAlgorithmException {
        assertFilesMatchTheChecksumsInTheReadme(EmbeddedDatasets.IRIS, EmbeddedDatasets.IRIS_FILES);
        List<String> lines = text(EmbeddedDatasets.IRIS + EmbeddedDatasets.IRIS_FILES.get(0)).lines().toList();
        assertEquals("sepal_length,sepal_width,petal_length,petal_width,species", lines.get(0));
        Map<String, Integer> perSpecies = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            assertEquals(5, cells.length, line);
            perSpecies.merge(cells[4], 1, Integer::sum);
        }
        assertEquals(Map.of("setosa", 50, "versicolor", 50, "virginica", 50), perSpecies);
        assertTrue(text(EmbeddedDatasets.IRIS + "README.md").contains("public domain"));
    }

    /** The photo is the file its README records, a baseline JPEG (SOI marker, JFIF), with its licence beside it. */
    @Test
    void thePhotoIsTheRecordedJpeg() throws IOException, NoSuchAlgorithmException {
        assertFilesMatchTheChecksumsInTheReadme(EmbeddedDatasets.PHOTOS, EmbeddedDatasets.PHOTOS_FILES);
        try (InputStream in = EmbeddedDatasets.open(EmbeddedDatasets.PHOTOS + EmbeddedDatasets.PHOTOS_FILES.get(0))) {
            byte[] head = in.readNBytes(2);
            assertEquals(0xFF, head[0] & 0xFF);
            assertEquals(0xD8, head[1] & 0xFF);
        }
        assertTrue(text(EmbeddedDatasets.PHOTOS + "README.md").contains("MIT licence"));
    }

    /** Moby-Dick's two parts have the sentence counts that its README and Corpora's Javadoc state. */
    @Test
    void mobyDickPartsHaveTheDocumentedSentenceCounts() throws IOException {
        assertEquals(7_519, lines(EmbeddedDatasets.MOBY_DICK + EmbeddedDatasets.MOBY_DICK_FILES.get(0)));
        assertEquals(1_180, lines(EmbeddedDatasets.MOBY_DICK + EmbeddedDatasets.MOBY_DICK_FILES.get(1)));
        assertTrue(text(EmbeddedDatasets.MOBY_DICK + "README.md").contains("public domain"));
    }

    @Test
    void aMissingFileIsNamedWithTheFilesThatExist() {
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> EmbeddedDatasets.open(EmbeddedDatasets.MOBY_DICK + "moby-dev.txt.gz"));
        assertTrue(e.getMessage().contains("'dev/aiaas/datasets/moby-dick/moby-dev.txt.gz'"), e.getMessage());
        assertTrue(e.getMessage().contains("moby-train.txt.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("dev/aiaas/datasets/iris/[iris.csv]"), e.getMessage());
    }

    /** The README in {@code folder} records the MD5 of exactly {@code files}, and they have it. */
    private static void assertFilesMatchTheChecksumsInTheReadme(String folder, List<String> files)
            throws IOException, NoSuchAlgorithmException {
        String readme = text(folder + "README.md");
        Map<String, String> recorded = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^([0-9a-f]{32})  (\\S+)$").matcher(readme);
        while (m.find()) {
            recorded.put(m.group(2), m.group(1));
        }
        assertEquals(files.stream().sorted().toList(), recorded.keySet().stream().toList(),
                "the README records the MD5 of exactly the listed files");
        for (String file : files) {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            try (InputStream in = EmbeddedDatasets.open(folder + file)) {
                md5.update(in.readAllBytes());
            }
            assertEquals(recorded.get(file), HexFormat.of().formatHex(md5.digest()), file);
        }
    }

    private static String text(String resource) throws IOException {
        try (InputStream in = EmbeddedDatasets.open(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int lines(String resource) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(EmbeddedDatasets.open(resource)), StandardCharsets.UTF_8))) {
            return (int) r.lines().count();
        }
    }
}
