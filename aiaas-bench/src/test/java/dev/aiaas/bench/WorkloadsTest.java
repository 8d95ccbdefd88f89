package dev.aiaas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the harness correct without timing anything: every workload of a full run does its
 * steps, the FLOP formulas match sums worked out by hand, and the report's CSV has the promised
 * columns.
 */
class WorkloadsTest {

    @Test
    void everyWorkloadRunsTwoStepsAndCanBeSetUpAgain() {
        Backends.select(BackendOptions.of(BackendKind.CPU));
        Set<String> names = new HashSet<>();
        Set<String> cnn = new HashSet<>();
        Workloads.cnnTasks().forEach(t -> cnn.add(t.benchmark()));
        for (Workload w : Workloads.all(false)) {
            assertTrue(names.add(w.benchmark() + "/" + w.engine()), "duplicate workload " + w.benchmark() + "/" + w.engine());
            if (cnn.contains(w.benchmark())) {
                continue; // run at a small batch by everyCnnWorkloadRunsAtASmallBatch
            }
            for (int cycle = 0; cycle < 2; cycle++) {
                w.setup();
                try {
                    w.step();
                    w.step();
                } finally {
                    w.close();
                }
            }
        }
        assertTrue(names.containsAll(List.of("mlp-784-256-10-b128/aiaas", "mlp-784-256-10-b128/dl4j",
                "mlp-784-256-10-b128/samediff", "mlp-784-2048-2048-10-b512/dl4j", "infer-784-256-10-b1/samediff",
                "ngram-query-moby-o3/aiaas", "ngram-build-moby-o3/aiaas", "gpt-decode-t48/aiaas", "gpt-prompt-t48/aiaas",
                "gpt-train-b32-t48/aiaas")), names.toString());
    }

    /** Every CNN task in every ND4J engine, at batch 2 (the real batches take seconds per step in DL4J). */
    @Test
    void everyCnnWorkloadRunsAtASmallBatch() {
        Backends.select(BackendOptions.of(BackendKind.CPU));
        Set<String> names = new HashSet<>();
        for (CnnTask full : Workloads.cnnTasks()) {
            CnnTask t = new CnnTask(full.net(), 2, full.train());
            for (Workload w : Workloads.engines(t)) {
                names.add(full.benchmark() + "/" + w.engine());
                assertEquals(t.flops(), w.flopsPerStep());
                w.setup();
                try {
                    w.step();
                    w.step();
                } finally {
                    w.close();
                }
            }
        }
        assertTrue(names.containsAll(List.of("cnn-b128/aiaas", "cnn-b128/dl4j", "lenet5-b64/aiaas", "lenet5-b64/dl4j",
                "infer-cnn-b1/aiaas", "infer-cnn-b128/dl4j", "resnet-small-b64/aiaas", "resnet-small-b64/dl4j", "cnn-b128/samediff",
                "lenet5-b64/samediff", "infer-cnn-b1/samediff", "resnet-small-b64/samediff")), names.toString());
    }

    /**
     * SameDiff's networks have aiaas's layers (its batch norm keeps no running mean and variance:
     * two values per channel fewer), give one row of finite logits per example, and learn: five
     * steps on one batch lower its loss.
     */
    @Test
    void sameDiffNetworksHaveTheLayersOfAiaasAndLearn() {
        Backends.select(BackendOptions.of(BackendKind.CPU));
        java.util.Map<CnnNet, Long> bnChannels = java.util.Map.of(CnnNet.LENET5, 0L, CnnNet.CNN, 2L * 32 + 2 * 64,
                CnnNet.RESNET_SMALL, 16L + 2 * 16 + 3 * 32 + 3 * 64);
        for (CnnNet net : CnnNet.values()) {
            SameDiffCnn s = new SameDiffCnn(CnnTask.training(net, 4));
            s.setup();
            try (dev.aiaas.core.nn.Model m = AiaasCnn.builder(net).seed(1).build()) {
                assertEquals(m.parameterCount() - 2 * bnChannels.get(net), s.parameterCount(), net.label());
                org.nd4j.linalg.api.ndarray.INDArray logits = s.logits();
                assertEquals(List.of(4L, (long) net.classes()), java.util.Arrays.stream(logits.shape()).boxed().toList(), net.label());
                assertTrue(java.util.Arrays.stream(logits.data().asDouble()).allMatch(Double::isFinite), net.label());
                double before = s.loss();
                for (int i = 0; i < 5; i++) {
                    s.step();
                }
                double after = s.loss();
                assertTrue(after < before, net.label() + ": loss " + before + " -> " + after);
            } finally {
                s.close();
            }
        }
    }

    /** The CNN FLOP floors are the multiply-adds of aiaas's own layers, counted from their shapes. */
    @Test
    void cnnFlopFloorsMatchTheLayersOfTheAiaasNetworks() {
        for (CnnNet net : List.of(CnnNet.LENET5, CnnNet.CNN)) {
            long macs = 0;
            long first = -1;
            try (dev.aiaas.core.nn.Model m = AiaasCnn.builder(net).seed(1).build()) {
                long[] shape = m.inputShape();
                for (dev.aiaas.core.nn.Layer l : m.layers()) {
                    long[] out = l.outputShape(shape);
                    long n = 0;
                    if (l instanceof dev.aiaas.vision.nn.Conv2d c) {
                        n = out[0] * out[1] * out[2] * (shape[0] / c.groups()) * c.kernelHeight() * c.kernelWidth();
                    } else if (l.type().equals("dense")) {
                        n = shape[0] * out[0];
                    }
                    if (n > 0 && first < 0) {
                        first = n;
                    }
                    macs += n;
                    shape = out;
                }
            }
            assertEquals(macs, net.multiplyAdds(), net.label());
            assertEquals(2.0 * 64 * macs, net.inferenceFlops(64), net.label());
            assertEquals(2.0 * 64 * (3 * macs - first), net.trainingFlops(64), net.label());
        }
        // the ResNet by hand: stem, stage 1, stage 2 with its shortcut, stage 3 with its shortcut, dense
        long resnet = 16L * 1024 * 27 + 2 * 16L * 1024 * 144 + 32L * 256 * (144 + 288 + 16) + 64L * 64 * (288 + 576 + 32) + 640;
        assertEquals(resnet, CnnNet.RESNET_SMALL.multiplyAdds());
        assertEquals("cnn-b128", CnnTask.training(CnnNet.CNN, 128).benchmark());
        assertEquals("infer-cnn-b1", CnnTask.inference(CnnNet.CNN, 1).benchmark());
        assertThrows(IllegalArgumentException.class, () -> CnnTask.training(CnnNet.CNN, 0));
    }

    /** DL4J's networks have aiaas's parameter counts: the same layers. */
    @Test
    void dl4jNetworksHaveTheParameterCountsOfAiaas() {
        Backends.select(BackendOptions.of(BackendKind.CPU));
        for (CnnNet net : List.of(CnnNet.LENET5, CnnNet.CNN)) {
            Dl4jCnn d = new Dl4jCnn(CnnTask.inference(net, 1));
            d.setup();
            try (dev.aiaas.core.nn.Model m = AiaasCnn.builder(net).seed(1).build()) {
                assertEquals(m.parameterCount(), d.parameterCount(), net.label());
            } finally {
                d.close();
            }
        }
        // ResNet-8: 3 stages of BasicBlocks; convs 3x3 without bias, BN 4 values per channel, dense 64x10 + 10
        long convs = 16 * 27 + 2 * 16 * 144 + 32 * 144 + 32 * 288 + 32 * 16 + 64 * 288 + 64 * 576 + 64 * 32;
        long bn = 4L * (16 + 2 * 16 + 3 * 32 + 3 * 64);
        Dl4jCnn r = new Dl4jCnn(CnnTask.inference(CnnNet.RESNET_SMALL, 1));
        r.setup();
        try (dev.aiaas.core.nn.Model m = AiaasCnn.builder(CnnNet.RESNET_SMALL).seed(1).build()) {
            assertEquals(convs + bn + 650, r.parameterCount());
            assertEquals(m.parameterCount(), r.parameterCount(), "aiaas's Networks.resnetSmall: the same layers");
        } finally {
            r.close();
        }
    }

    /** The done-when: a quick run's CSV holds a row for every benchmark and engine of a full run. */
    @Test
    void quickCoversEveryBenchmarkOfAFullRun() {
        Set<String> full = new HashSet<>();
        Workloads.all(false).forEach(w -> full.add(w.benchmark() + "/" + w.engine()));
        Set<String> quick = new HashSet<>();
        Workloads.all(true).forEach(w -> quick.add(w.benchmark() + "/" + w.engine()));
        assertEquals(full, quick);
        Set<String> benchmarks = new HashSet<>();
        Workloads.all(true).forEach(w -> benchmarks.add(w.benchmark()));
        assertTrue(benchmarks.containsAll(Workloads.HEADLINE), benchmarks.toString());
    }

    /** Outside the headline, --quick times a workload once, briefly, at the most threads. */
    @Test
    void quickRunsNonHeadlineWorkloadsAtOneThreadSetting() {
        BenchOptions o = BenchOptions.quickRun().withWarmupSeconds(0).withRepeats(2, 0.01)
                .withOnly(Pattern.compile("^mlp-784-256-10-b32/aiaas$"));
        BenchReport r = new BenchRunner(o, BackendOptions.of(BackendKind.CPU), line -> { }).run(Workloads.all(true));
        assertEquals(1, r.measurements().size(), r.measurements().toString());
        assertEquals(2, r.measurements().get(0).threads());
        assertEquals(1, o.brief().repeats());
        assertTrue(o.brief().warmupSeconds() <= 1.0);
    }

    @Test
    void flopFormulasAreTheSumsOfTheProducts() {
        MlpShape s = Workloads.SMALL;
        assertEquals(784 * 256 + 256 * 10, s.weightCount());
        assertEquals(784 * 256 + 256 + 256 * 10 + 10, s.parameterCount());
        // forward: 2·B·(784·256 + 256·10); training adds weight gradients (the same) and the
        // input gradient of the second layer only (2·B·256·10)
        assertEquals(2.0 * 128 * 203_264, s.inferenceFlops(128));
        assertEquals(2.0 * 128 * (2 * 203_264 + 2_560), s.trainingFlops(128));
        assertEquals("mlp-784-256-10-b128", MlpTask.training(s, 128).benchmark());
        assertEquals("infer-784-256-10-b1", MlpTask.inference(s, 1).benchmark());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MlpShape.of(784, 0, 10));
        assertTrue(e.getMessage().contains("widths=[784, 0, 10]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MlpTask.training(s, 0));
        assertTrue(e.getMessage().contains("batch=0"), e.getMessage());
    }

    /** Inference into a buffer: its own benchmark name, aiaas the only ND4J engine, never a training task. */
    @Test
    void servingTasksRunOnlyWhereThereIsABufferApi() {
        MlpTask serve = MlpTask.serving(Workloads.SMALL, 1);
        assertEquals("serve-784-256-10-b1", serve.benchmark());
        assertEquals(Workloads.SMALL.inferenceFlops(1), serve.flops());
        List<Workload> engines = Workloads.engines(serve);
        assertEquals(List.of("aiaas"), engines.stream().map(Workload::engine).toList());
        assertTrue(Workloads.HEADLINE.contains(serve.benchmark()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MlpTask(Workloads.SMALL, 1, true, true));
        assertTrue(e.getMessage().contains("intoBuffer"), e.getMessage());
        try (Workload w = engines.get(0)) {
            w.setup();
            w.step();
            w.step();
        }
    }

    /** The MLP with batch norm, GELU and dropout: its own name, aiaas and DL4J of the ND4J engines, training only. */
    @Test
    void normTasksRunInAiaasAndDl4jOnly() {
        MlpTask norm = MlpTask.trainingWithNorm(Workloads.SMALL, 128);
        assertEquals("mlp-bn-gelu-784-256-10-b128", norm.benchmark());
        assertEquals(Workloads.SMALL.trainingFlops(128), norm.flops());
        assertEquals(List.of("aiaas", "dl4j"), Workloads.engines(norm).stream().map(Workload::engine).toList());
        assertTrue(Workloads.tasks(false).contains(norm));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MlpTask(Workloads.SMALL, 1, false, false, true));
        assertTrue(e.getMessage().contains("norm is for training"), e.getMessage());
    }

    @Test
    void percentilesInterpolateBetweenRanks() {
        Stats st = Stats.ofNanos(new long[] {5_000_000, 1_000_000, 3_000_000, 2_000_000, 4_000_000});
        assertEquals(3.0, st.medianMs(), 1e-12);
        assertEquals(1.4, st.p10Ms(), 1e-12);
        assertEquals(4.6, st.p90Ms(), 1e-12);
        assertEquals(5, st.steps());
        assertThrows(IllegalArgumentException.class, () -> Stats.ofNanos(new long[0]));
    }

    @Test
    void optionsRejectBadValuesNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.quickRun().withWarmupSeconds(-1));
        assertTrue(e.getMessage().contains("warmup=-1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.full().withThreadCounts(List.of(0)));
        assertTrue(e.getMessage().contains("threadCounts=[0]"), e.getMessage());
        assertTrue(BenchOptions.quickRun().indicative());
        assertFalse(BenchOptions.full().indicative());
        assertTrue(BenchOptions.full().withWarmupSeconds(3).indicative());
    }

    @Test
    void onlyThatMatchesNothingListsTheWorkloads() {
        BenchRunner r = new BenchRunner(BenchOptions.quickRun().withOnly(Pattern.compile("nope")),
                BackendOptions.of(BackendKind.CPU), s -> { });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.select(Workloads.all(true)));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("infer-784-256-10-b1/aiaas"), e.getMessage());
    }

    @Test
    void reportHasTheCsvColumnsRatiosAndFloorShares() {
        double flops = 1e9;
        List<Measurement> ms = new ArrayList<>();
        ms.add(new Measurement("b", "aiaas", 1, new Stats(2, 1.5, 3, 10), flops));
        ms.add(new Measurement("b", "aiaas", 2, new Stats(1, 0.5, 2, 10), flops));
        ms.add(new Measurement("b", "dl4j", 1, new Stats(4, 3, 5, 10), flops));
        ms.add(new Measurement("b", "dl4j", 2, new Stats(8, 7, 9, 10), flops));
        BenchReport report = new BenchReport(BenchOptions.quickRun(), Map.of(1, 100.0, 2, 200.0), ms);
        List<String> rows = report.csvRows();
        assertEquals(BenchReport.CSV_HEADER, rows.get(0));
        for (String row : rows) {
            assertEquals(5, row.split(",", -1).length, row);
        }
        // aiaas's best is 1 ms at 2 threads: 1 GFLOP in 1 ms = 1000 GFLOP/s, 500 % of a 200 GFLOP/s GEMM
        assertTrue(rows.contains("b,aiaas,step_ms,1,ms"), rows.toString());
        assertTrue(rows.contains("b,aiaas,threads,2,threads"), rows.toString());
        assertTrue(rows.contains("b,aiaas,gflops,1000,GFLOP/s"), rows.toString());
        assertTrue(rows.contains("b,aiaas,floor_pct,500,%"), rows.toString());
        // dl4j's best is 4 ms at 1 thread: 4x aiaas's best
        assertTrue(rows.contains("b,dl4j,step_ms_t1,4,ms"), rows.toString());
        assertTrue(rows.contains("b,dl4j,threads,1,threads"), rows.toString());
        assertTrue(rows.contains("b,dl4j,ratio_to_aiaas,4,x"), rows.toString());
        assertTrue(rows.contains("gemm-f-n1024,nd4j,gflops,200,GFLOP/s"), rows.toString());
        assertTrue(rows.contains("run,aiaas-bench,indicative,1,bool"), rows.toString());
        String table = report.table();
        assertTrue(table.contains("INDICATIVE") && table.contains("4.00x") && table.contains("headline"), table);
    }

    /** A GEMM rate measured just before a workload gives its own share, beside the run's limit. */
    @Test
    void aLocalGemmRateGivesALocalFloorShare() {
        // 1 GFLOP in 10 ms = 100 GFLOP/s: 50 % of the run's 200 GFLOP/s, 80 % of 125 measured just before
        Measurement m = new Measurement("b", "aiaas", 2, new Stats(10, 9, 11, 10), 1e9, 125);
        assertEquals(80.0, m.localFloorPercent(), 1e-9);
        assertEquals(0.0, new Measurement("b", "aiaas", 2, new Stats(10, 9, 11, 10), 1e9).localFloorPercent());
        BenchReport report = new BenchReport(BenchOptions.quickRun(), Map.of(2, 200.0), List.of(m));
        List<String> rows = report.csvRows();
        assertTrue(rows.contains("b,aiaas,floor_pct_t2,50,%"), rows.toString());
        assertTrue(rows.contains("b,aiaas,gemm_local_t2,125,GFLOP/s"), rows.toString());
        assertTrue(rows.contains("b,aiaas,local_floor_pct_t2,80,%"), rows.toString());
        String table = report.table();
        assertTrue(table.contains("% local") && table.contains(" 80.0 "), table);
    }

    /** A full run measures the GEMM rate again just before each arithmetic workload. */
    @Test
    void aFullRunMeasuresALocalGemmRate() {
        BenchOptions o = BenchOptions.full().withWarmupSeconds(0).withRepeats(1, 0.01).withThreadCounts(List.of(1))
                .withOnly(Pattern.compile("^serve-784-256-10-b1/aiaas$"));
        BenchReport r = new BenchRunner(o, BackendOptions.of(BackendKind.CPU), s -> { }).run(Workloads.all(false));
        assertEquals(1, r.measurements().size());
        assertTrue(r.measurements().get(0).localGemmGflops() > 0, r.measurements().toString());
        assertTrue(r.table().contains("% local"), r.table());
    }

    @Test
    void runnerMeasuresOneTinyWorkloadAtEachThreadSetting() {
        BenchOptions o = BenchOptions.quickRun().withWarmupSeconds(0).withRepeats(1, 0.01)
                .withOnly(Pattern.compile("^infer-784-256-10-b1/aiaas$"));
        List<String> lines = new ArrayList<>();
        BenchReport r = new BenchRunner(o, BackendOptions.of(BackendKind.CPU), lines::add).run(Workloads.all(true));
        assertEquals(2, r.measurements().size());
        assertEquals(Set.of(1, 2), r.gemmGflops().keySet());
        assertTrue(r.bestGemmGflops() > 0);
        assertTrue(r.measurements().stream().allMatch(m -> m.stats().steps() >= BenchOptions.MIN_STEPS));
        assertTrue(r.measurements().stream().allMatch(m -> m.localGemmGflops() == 0), "--quick measures no local GEMM rate");
        assertEquals(4, lines.size(), lines.toString());
    }
}
