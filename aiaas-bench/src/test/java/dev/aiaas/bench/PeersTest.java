package dev.aiaas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * How the runner handles peer engines, on fakes: absent in-JVM peers are reported as not built in
 * with the command that builds them in, a peer whose natives fail is reported and left out, an
 * available one gets the thread setting and its CSV rows, an external one is asked for its
 * statistics.
 */
class PeersTest {

    /** A peer that runs aiaas's own workload under another name, recording the thread settings it was given. */
    static class FakePeer implements PeerEngine {
        final String name;
        final Optional<String> reason;
        final List<Integer> threadsSeen = new ArrayList<>();

        FakePeer(String name, Optional<String> reason) {
            this.name = name;
            this.reason = reason;
        }

        @Override
        public String engine() {
            return name;
        }

        @Override
        public Optional<String> unavailableReason() {
            return reason;
        }

        @Override
        public String version() {
            return "fake 1.0";
        }

        @Override
        public boolean supports(MlpTask task) {
            return !task.train();
        }

        @Override
        public Workload workload(MlpTask task) {
            AiaasMlp inner = new AiaasMlp(task);
            return new TaskWorkload<MlpTask>(task) {
                @Override
                public String engine() {
                    return name;
                }

                @Override
                public void useThreads(int threads) {
                    threadsSeen.add(threads);
                }

                @Override
                public void setup() {
                    inner.setup();
                }

                @Override
                public void step() {
                    inner.step();
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }
    }

    private static boolean peersBuiltIn() {
        try {
            Class.forName("dev.aiaas.bench.peers.DjlPeer");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Test
    void inJvmPeersThatAreNotOnTheClassPathAreReportedAsNotBuiltInWithTheFix() {
        Peers peers = Peers.of(List.of(), Peers.IN_JVM, e -> true);
        assertEquals(List.of(), peers.availableEngines());
        assertEquals(List.of("pytorch-djl", "onnxruntime"), peers.statuses().stream().map(PeerStatus::engine).toList());
        for (PeerStatus s : peers.statuses()) {
            assertFalse(s.available());
            assertTrue(s.line().contains("not built in") && s.line().contains("-Ppeers") && s.line().contains("ai.djl.offline=true"),
                    s.line());
        }
        assertTrue(Workloads.all(true, peers).stream().noneMatch(w -> w.engine().startsWith("pytorch-djl")));
    }

    @Test
    void thisDefaultBuildHasNoInJvmPeers() {
        assumeFalse(peersBuiltIn(), "built with -Ppeers: aiaas-bench's src/peers-test covers the real peers");
        Peers peers = Peers.detect(e -> !e.equals(PythonPeer.ENGINE));
        assertEquals(List.of(), peers.availableEngines());
        assertEquals(2, peers.statuses().size(), peers.statuses().toString());
        assertTrue(peers.statuses().stream().allMatch(s -> s.detail().startsWith(Peers.notBuiltIn())), peers.statuses().toString());
    }

    @Test
    void onlyWantedPeersAreProbedOrReported() {
        FakePeer probed = new FakePeer("fake-peer", Optional.empty()) {
            @Override
            public Optional<String> unavailableReason() {
                throw new AssertionError("an unwanted peer must not be probed");
            }
        };
        Peers peers = Peers.of(List.of(probed), Peers.IN_JVM, e -> false);
        assertEquals(List.of(), peers.statuses());
    }

    @Test
    void aPeerWhoseNativesFailIsReportedAndLeftOut() {
        PeerEngine broken = new FakePeer("broken", Optional.empty()) {
            @Override
            public Optional<String> unavailableReason() {
                throw new UnsatisfiedLinkError("libtorch_cpu.so: cannot open shared object file");
            }
        };
        PeerEngine missing = new FakePeer("missing", Optional.of("the model file is missing"));
        Peers peers = Peers.of(List.of(broken, missing), List.of(), e -> true);
        assertEquals(List.of(), peers.availableEngines());
        assertEquals("broken: not available: UnsatisfiedLinkError: libtorch_cpu.so: cannot open shared object file",
                peers.statuses().get(0).line());
        assertEquals("missing: not available: the model file is missing", peers.statuses().get(1).line());
    }

    @Test
    void anAvailablePeerGetsEachThreadSettingAndItsRowsAndStatus() {
        FakePeer fake = new FakePeer("fake-peer", Optional.empty());
        Peers peers = Peers.of(List.of(fake), Peers.IN_JVM, e -> true);
        assertEquals(List.of("fake-peer"), peers.availableEngines());
        List<Workload> all = Workloads.all(true, peers);
        assertTrue(all.stream().anyMatch(w -> w.benchmark().equals("infer-784-256-10-b1") && w.engine().equals("fake-peer")));
        assertTrue(all.stream().noneMatch(w -> w.benchmark().startsWith("mlp-") && w.engine().equals("fake-peer")),
                "the fake peer only infers");

        BenchOptions o = BenchOptions.quickRun().withWarmupSeconds(0).withRepeats(1, 0.01)
                .withOnly(Pattern.compile("^infer-784-256-10-b1/(aiaas|fake-peer)$"));
        BenchReport r = new BenchRunner(o, BackendOptions.of(BackendKind.CPU), s -> { }, peers.statuses()).run(all);
        assertEquals(List.of(1, 2), fake.threadsSeen);
        List<String> rows = r.csvRows();
        for (String metric : new String[] {"step_ms_t1", "step_ms_t2", "steps_t1", "step_ms", "threads", "ratio_to_aiaas"}) {
            assertTrue(rows.stream().anyMatch(s -> s.startsWith("infer-784-256-10-b1,fake-peer," + metric + ",")), metric + " in " + rows);
        }
        assertTrue(rows.contains("run,fake-peer,available,1,bool"), rows.toString());
        assertTrue(rows.contains("run,pytorch-djl,available,0,bool"), rows.toString());
        String table = r.table();
        assertTrue(table.contains("peer fake-peer: available (fake 1.0)"), table);
        assertTrue(table.contains("peer onnxruntime: not available: not built in"), table);
    }

    @Test
    void anExternalWorkloadIsAskedForItsStatisticsAtEachSetting() {
        List<Integer> asked = new ArrayList<>();
        class External extends TaskWorkload<MlpTask> implements ExternalWorkload {
            External(MlpTask task) {
                super(task);
            }

            @Override
            public String engine() {
                return "external";
            }

            @Override
            public Stats measure(BenchOptions options, int threads) {
                asked.add(threads);
                return new Stats(threads * 2.0, threads, threads * 3.0, 7);
            }
        }
        External w = new External(MlpTask.inference(Workloads.SMALL, 1));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, w::step);
        assertTrue(e.getMessage().contains("external runs its steps in its own process"), e.getMessage());
        BenchOptions o = BenchOptions.quickRun().withWarmupSeconds(0).withRepeats(1, 0.01);
        BenchReport r = new BenchRunner(o, BackendOptions.of(BackendKind.CPU), s -> { }).run(List.of(w));
        assertEquals(List.of(1, 2), asked);
        // the best setting is 1 thread (median 2 ms)
        assertTrue(r.csvRows().contains("infer-784-256-10-b1,external,step_ms,2,ms"), r.csvRows().toString());
        assertTrue(r.csvRows().contains("infer-784-256-10-b1,external,steps_t2,7,steps"), r.csvRows().toString());
    }

    @Test
    void statusesRejectAMissingName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PeerStatus(" ", true, ""));
        assertTrue(e.getMessage().contains("engine= "), e.getMessage());
    }
}
