package dev.aiaas.bench;

import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.Backends;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one-thread comparison for a shared, busy machine: the selected workloads of
 * {@code aiaas bench} (peers included), each set up once at one compute thread, then timed in
 * alternating rounds by the calling thread's CPU time (which other processes do not inflate, as
 * they do wall-clock time; at one thread every engine here computes on the calling thread:
 * ND4J with OpenMP and BLAS at 1, PyTorch with {@code at::set_num_threads(1)}, ONNX Runtime with
 * one intra-op thread). Prints per workload the minimum and median CPU milliseconds per step, the
 * wall-clock minimum, and the ratio of each engine's minimum to aiaas's for the same benchmark.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dai.djl.offline=true -cp ... dev.aiaas.bench.CpuTimeCompare REGEX [rounds] [steps] [warmup-steps]
 * </pre>
 *
 * <p>A development harness, not a part of {@code aiaas bench}: the report's numbers are wall-clock
 * times at every thread setting.
 */
public final class CpuTimeCompare {

    private CpuTimeCompare() {
    }

    /**
     * Runs the comparison.
     *
     * @param args the {@code --only} regular expression (searched in {@code benchmark/engine}), then
     *             optionally the rounds (default 5), steps per round (default 5) and warm-up steps
     *             per workload (default 10)
     */
    public static void main(String[] args) {
        Pattern only = Pattern.compile(args.length > 0 ? args[0] : "^cnn-b128/");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        Backends.select(BackendOptions.of(BackendKind.CPU).withThreads(1, 1));
        BenchOptions o = BenchOptions.quickRun().withOnly(only);
        List<String> names = Workloads.benchmarks(true);
        Peers peers = Peers.detect(e -> names.stream().anyMatch(b -> o.selects(b, e)));
        peers.statuses().forEach(s -> System.out.println("peer " + s.line()));
        List<Workload> ws = new ArrayList<>();
        for (Workload w : Workloads.all(true, peers)) {
            if (o.selects(w) && w instanceof ExternalWorkload) {
                System.out.println("skipped " + w.benchmark() + "/" + w.engine() + ": it runs in its own process (aiaas bench times it)");
            } else if (o.selects(w)) {
                ws.add(w);
            }
        }
        ThreadMXBean tb = ManagementFactory.getThreadMXBean();
        double[][] cpu = new double[ws.size()][rounds * steps];
        double[][] wall = new double[ws.size()][rounds * steps];
        try {
            for (Workload w : ws) {
                w.useThreads(1);
                w.setup();
                for (int i = 0; i < warmup; i++) {
                    w.step();
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < ws.size(); k++) {
                    Workload w = ws.get(k);
                    for (int s = 0; s < steps; s++) {
                        long c0 = tb.getCurrentThreadCpuTime();
                        long w0 = System.nanoTime();
                        w.step();
                        wall[k][r * steps + s] = (System.nanoTime() - w0) / 1e6;
                        cpu[k][r * steps + s] = (tb.getCurrentThreadCpuTime() - c0) / 1e6;
                    }
                }
            }
        } finally {
            ws.forEach(Workload::close);
        }
        double[] aiaasMin = new double[ws.size()];
        for (int k = 0; k < ws.size(); k++) {
            Arrays.sort(cpu[k]);
            Arrays.sort(wall[k]);
        }
        for (int k = 0; k < ws.size(); k++) {
            for (int j = 0; j < ws.size(); j++) {
                if (ws.get(j).benchmark().equals(ws.get(k).benchmark()) && ws.get(j).engine().equals("aiaas")) {
                    aiaasMin[k] = cpu[j][0];
                }
            }
            Workload w = ws.get(k);
            double gflops = w.flopsPerStep() / (cpu[k][0] * 1e6);
            System.out.printf(Locale.ROOT, "%-20s %-12s cpu min %9.3f med %9.3f ms  wall min %9.3f ms  %6.1f GFLOP/s (cpu)  vs aiaas %s%n",
                    w.benchmark(), w.engine(), cpu[k][0], cpu[k][cpu[k].length / 2], wall[k][0], gflops,
                    aiaasMin[k] > 0 ? String.format(Locale.ROOT, "%.2fx", cpu[k][0] / aiaasMin[k]) : "-");
        }
    }
}
