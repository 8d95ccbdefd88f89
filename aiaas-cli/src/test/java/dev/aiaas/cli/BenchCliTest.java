package dev.aiaas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aiaas bench}: usage errors (exit code 2), peers that are not built in, and one tiny measured workload. */
class BenchCliTest {

    private static boolean peersBuiltIn() {
        try {
            Class.forName("dev.aiaas.bench.peers.DjlPeer");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Test
    void helpNamesTheOptions() {
        CliTest.Result r = CliTest.run("bench", "--help");
        assertEquals(0, r.code());
        for (String o : new String[] {"Usage: aiaas bench", "--quick", "--out", "--warmup", "--only", "--plot", "-Ppeers",
            "pytorch-djl", "onnxruntime", "pytorch-py", "Examples:"}) {
            assertTrue(r.out().contains(o), r.out());
        }
        assertFalse(r.out().contains("--csv"), "--csv is the hidden former spelling of --out:\n" + r.out());
    }

    @Test
    void negativeWarmupIsBadUsage() {
        CliTest.Result r = CliTest.run("bench", "--warmup", "-1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("warmup=-1.0"), r.err());
    }

    @Test
    void warmupThatIsNotANumberIsBadUsage() {
        CliTest.Result r = CliTest.run("bench", "--warmup", "long");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("long"), r.err());
    }

    @Test
    void onlyThatIsNotARegularExpressionIsBadUsage() {
        CliTest.Result r = CliTest.run("bench", "--only", "mlp[");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--only: 'mlp[' is not a regular expression"), r.err());
    }

    @Test
    void onlyThatMatchesNothingIsBadUsageListingTheWorkloads() {
        CliTest.Result r = CliTest.run("bench", "--quick", "--only", "transformer");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'transformer' matches no workload") && r.err().contains("mlp-784-256-10-b128/dl4j"), r.err());
    }

    @Test
    void outInAMissingFolderIsBadUsageUnderEitherSpelling(@TempDir Path dir) {
        CliTest.Result r = CliTest.run("bench", "--out", dir.resolve("no/such/out.csv").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--out: folder not found"), r.err());
        r = CliTest.run("bench", "--out", dir.resolve("a.csv").toString(), "--csv", dir.resolve("b.csv").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--out and --csv are two spellings of the same option"), r.err());
        r = CliTest.run("bench", "--csv", dir.resolve("no/such/out.csv").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--csv: folder not found"), r.err());
    }

    @Test
    void plotThatIsNotAPngIsBadUsage(@TempDir Path dir) {
        CliTest.Result r = CliTest.run("bench", "--plot", dir.resolve("chart.jpg").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--plot: '") && r.err().contains("chart.jpg' does not end in .png"), r.err());
    }

    @Test
    void plotInAMissingFolderOrOnAFolderIsBadUsage(@TempDir Path dir) throws Exception {
        CliTest.Result r = CliTest.run("bench", "--plot", dir.resolve("no/such/chart.png").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--plot: the folder") && r.err().contains("does not exist"), r.err());
        Path folder = Files.createDirectory(dir.resolve("charts.png"));
        r = CliTest.run("bench", "--plot", folder.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("charts.png is a folder"), r.err());
    }

    @Test
    void plotWithNothingToPlotIsBadUsage(@TempDir Path dir) {
        CliTest.Result r = CliTest.run("bench", "--quick", "--only", "ngram-query", "--plot", dir.resolve("chart.png").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--plot: the selected workloads have no MLP training or inference result"), r.err());
        assertFalse(Files.exists(dir.resolve("chart.png")));
    }

    @Test
    void plotWithSteadyStateIsBadUsage(@TempDir Path dir) {
        CliTest.Result r = CliTest.run("bench", "--steady-state", "100", "--plot", dir.resolve("chart.png").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--plot draws a timing run; --steady-state measures memory"), r.err());
    }

    @Test
    void onlyAPeerThatIsNotBuiltInIsBadUsageSayingHowToBuildIt() {
        assumeFalse(peersBuiltIn(), "this build has the peers (-Ppeers)");
        CliTest.Result r = CliTest.run("bench", "--quick", "--only", "/pytorch-djl$");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("matches no workload") && r.err().contains("pytorch-djl: not available: not built in")
                && r.err().contains("mvn -B -Ppeers -pl aiaas-cli -am package -DskipTests"), r.err());
    }

    @Test
    void zeroThreadsIsBadUsage() {
        CliTest.Result r = CliTest.run("--threads", "0", "bench", "--quick", "--only", "infer-784-256-10-b1/aiaas");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("threadCounts=[0]"), r.err());
    }

    /** {@code --threads 1,3}: one row per count, in the table and the CSV (3 threads on any machine). */
    @Test
    void aListOfThreadCountsPrintsARowPerCount(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("threads.csv");
        CliTest.Result r = CliTest.run("--threads", "1,3", "bench", "--quick", "--warmup", "0", "--only",
                "^infer-784-256-10-b1/aiaas$", "--out", csv.toString());
        assertEquals(0, r.code(), r.err());
        List<String> table = r.out().lines().filter(l -> l.startsWith("infer-784-256-10-b1 ")).toList();
        assertEquals(2, table.size(), r.out());
        assertTrue(table.get(0).matches("infer-784-256-10-b1 +aiaas +1\\*? .*"), table.get(0));
        assertTrue(table.get(1).matches("infer-784-256-10-b1 +aiaas +3\\*? .*"), table.get(1));
        List<String> rows = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertTrue(rows.stream().anyMatch(s -> s.startsWith("infer-784-256-10-b1,aiaas,step_ms_t1,")), rows.toString());
        assertTrue(rows.stream().anyMatch(s -> s.startsWith("infer-784-256-10-b1,aiaas,step_ms_t3,")), rows.toString());
        assertTrue(rows.stream().anyMatch(s -> s.startsWith("gemm-f-n1024,nd4j,gflops_t3,")), rows.toString());
    }

    @Test
    void aBadCountInTheListIsBadUsage() {
        CliTest.Result r = CliTest.run("--threads", "1,0", "bench", "--quick", "--only", "infer-784-256-10-b1/aiaas");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("threadCounts=[1, 0]"), r.err());
    }

    @Test
    void aListOfThreadCountsIsForTheBenchOnly() {
        CliTest.Result r = CliTest.run("info", "--threads", "1,2");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--threads=1,2: a list of thread counts is for 'aiaas bench' only; give one count"), r.err());
    }

    @Test
    void oneTinyWorkloadPrintsTheTableAndWritesTheCsvAndThePlot(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bench.csv");
        Path png = dir.resolve("bench.png");
        CliTest.Result r = CliTest.run("bench", "--quick", "--warmup", "0", "--only", "^infer-784-256-10-b1/(aiaas|onnxruntime)$",
                "--out", csv.toString(), "--plot", png.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("physical limit: ND4J sgemm") && r.out().contains("infer-784-256-10-b1")
                && r.out().contains("INDICATIVE"), r.out());
        assertTrue(r.out().contains(peersBuiltIn() ? "peer onnxruntime: available (ONNX Runtime 1.29"
                : "peer onnxruntime: not available: not built in"), r.out());
        assertFalse(r.out().contains("peer pytorch-djl"), "--only leaves pytorch-djl out, so it is neither probed nor reported");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1200, img.getWidth());
        assertEquals(560, img.getHeight());
        assertTrue(r.out().contains("plot: " + png), r.out());
        List<String> rows = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals("benchmark,engine,metric,value,unit", rows.get(0));
        assertTrue(rows.stream().anyMatch(s -> s.startsWith("infer-784-256-10-b1,aiaas,step_ms,")), rows.toString());
        assertTrue(rows.stream().anyMatch(s -> s.startsWith("infer-784-256-10-b1,aiaas,step_ms_t2,")), rows.toString());
        assertTrue(rows.stream().anyMatch(s -> s.startsWith("gemm-f-n1024,nd4j,gflops,")), rows.toString());
    }

    @Test
    void steadyStateUnderTenStepsIsBadUsage() {
        CliTest.Result r = CliTest.run("bench", "--steady-state", "5");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--steady-state=5: expected an integer from 10 to 100,000,000"), r.err());
    }

    /** The memory probe on aiaas: its training step makes no native allocation after the warm-up. */
    @Test
    void steadyStateReportsNoNativeAllocationForAiaas(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("steady.csv");
        // --csv: the former spelling of --out still writes the file
        CliTest.Result r = CliTest.run("bench", "--steady-state", "20", "--only", "/aiaas$", "--csv", csv.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mlp-784-256-10-b128 / aiaas: 20 steps after 200 warm-up steps"), r.out());
        List<String> rows = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals("benchmark,engine,metric,value,unit", rows.get(0));
        assertTrue(rows.contains("steady-mlp-784-256-10-b128,aiaas,native_allocs_per_step,0.000,allocations"), rows.toString());
        assertTrue(rows.stream().anyMatch(l -> l.startsWith("steady-mlp-784-256-10-b128,aiaas,heap_alloc_per_step,")), rows.toString());
        assertTrue(rows.stream().anyMatch(l -> l.startsWith("steady-mlp-784-256-10-b128,aiaas,rss_growth,")), rows.toString());
    }
}
