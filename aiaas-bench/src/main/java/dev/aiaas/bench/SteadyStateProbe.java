package dev.aiaas.bench;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * Whether a workload's steady state allocates: runs many steps of one {@link Workload} and
 * records, at regular checkpoints, the memory a leak or a per-step allocation would show in.
 *
 * <ul>
 *   <li>native allocations: JavaCPP pointers with a deallocator created on the stepping thread
 *       (ND4J's buffers, shape descriptors, op contexts), counted through a {@link PointerScope}
 *       that takes no ownership;</li>
 *   <li>the process's resident set ({@link Pointer#physicalBytes()}), and the JVM's committed
 *       non-heap memory (JIT code cache, metaspace), whose growth is part of the resident set's.
 *       ND4J allocates its buffers in native code, which neither JavaCPP's nor ND4J's own counters
 *       track, so the resident set is the only direct off-heap measure; it also grows as the heap
 *       first touches its pages, unless the heap is fixed and pre-touched
 *       ({@code -Xms1g -Xmx1g -XX:+AlwaysPreTouch}), as docs/benchmarks.md runs it;</li>
 *   <li>heap allocation: bytes the stepping thread allocated on the Java heap (not counting
 *       what the checkpoints themselves allocate)
 *       ({@code ThreadMXBean.getThreadAllocatedBytes}), garbage included;</li>
 *   <li>heap in use and the old generation's occupancy after its last collection.</li>
 * </ul>
 * No collection is forced: the figures are what the running program sees.
 */
public final class SteadyStateProbe {

    /** Steps run before the first checkpoint, so that first-use allocations (buffers made once per batch size) are excluded. */
    public static final int WARMUP_STEPS = 200;

    private SteadyStateProbe() {
    }

    /**
     * One checkpoint.
     *
     * @param step             steps run since the warm-up
     * @param nativeAllocs     native allocations on the stepping thread since the warm-up
     * @param residentBytes    the resident set, {@link Pointer#physicalBytes()}, bytes
     * @param nonHeapCommitted the JVM's committed non-heap memory (code cache, metaspace), bytes
     * @param heapAllocated    bytes allocated on the heap by the stepping thread since the warm-up
     * @param heapUsed         heap in use now (garbage included), bytes
     * @param oldGenAfterGc    old-generation occupancy after its last collection, bytes (-1 before any)
     */
    public record Sample(long step, long nativeAllocs, long residentBytes, long nonHeapCommitted, long heapAllocated,
                         long heapUsed, long oldGenAfterGc) {
    }

    /**
     * A probe's result: the checkpoints of one workload.
     *
     * @param benchmark the workload's benchmark name
     * @param engine    its engine
     * @param samples   the checkpoints, the first at step 0 (just after the warm-up)
     */
    public record Result(String benchmark, String engine, List<Sample> samples) {

        /**
         * Result with a copy of the samples; at least two are needed.
         *
         * @param benchmark the workload's benchmark name
         * @param engine    its engine
         * @param samples   the checkpoints, the first at step 0 (just after the warm-up)
         */
        public Result {
            samples = List.copyOf(samples);
            if (samples.size() < 2) {
                throw new IllegalArgumentException("a result needs at least two checkpoints, got " + samples.size());
            }
        }

        private Sample first() {
            return samples.get(0);
        }

        private Sample last() {
            return samples.get(samples.size() - 1);
        }

        /** {@return steps between the first and the last checkpoint} */
        public long steps() {
            return last().step() - first().step();
        }

        /** {@return native allocations per step} */
        public double nativeAllocsPerStep() {
            return (double) (last().nativeAllocs() - first().nativeAllocs()) / steps();
        }

        /** {@return heap bytes allocated per step (garbage included)} */
        public double heapBytesPerStep() {
            return (double) (last().heapAllocated() - first().heapAllocated()) / steps();
        }

        /** {@return growth of the JVM's committed non-heap memory from the first to the last checkpoint, bytes} */
        public long nonHeapGrowth() {
            return last().nonHeapCommitted() - first().nonHeapCommitted();
        }

        /** {@return growth of the resident set from the first to the last checkpoint, bytes} */
        public long residentGrowth() {
            return last().residentBytes() - first().residentBytes();
        }

        /** {@return CSV rows {@code benchmark,engine,metric,value,unit} under the benchmark name {@code steady-<benchmark>}} */
        public List<String> csvRows() {
            String b = "steady-" + benchmark;
            List<String> rows = new ArrayList<>();
            rows.add(String.format(Locale.ROOT, "%s,%s,steps,%d,steps", b, engine, steps()));
            rows.add(String.format(Locale.ROOT, "%s,%s,native_allocs_per_step,%.3f,allocations", b, engine, nativeAllocsPerStep()));
            rows.add(String.format(Locale.ROOT, "%s,%s,heap_alloc_per_step,%.1f,bytes", b, engine, heapBytesPerStep()));
            rows.add(String.format(Locale.ROOT, "%s,%s,rss_growth,%d,bytes", b, engine, residentGrowth()));
            rows.add(String.format(Locale.ROOT, "%s,%s,nonheap_growth,%d,bytes", b, engine, nonHeapGrowth()));
            return rows;
        }

        /** {@return a few lines: the summary, then the checkpoints} */
        public String text() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%s / %s: %d steps after %d warm-up steps%n", benchmark, engine, steps(), WARMUP_STEPS));
            sb.append(String.format(Locale.ROOT, "  native allocations per step %.3f, heap bytes allocated per step %.1f, "
                    + "resident-set growth %s (of which JVM non-heap %s)%n", nativeAllocsPerStep(), heapBytesPerStep(),
                    mib(residentGrowth()), mib(nonHeapGrowth())));
            sb.append(String.format(Locale.ROOT, "  %8s %12s %12s %12s %14s %12s %14s%n", "step", "native", "resident", "non-heap",
                    "heap alloc", "heap used", "old gen (gc)"));
            for (Sample s : samples) {
                sb.append(String.format(Locale.ROOT, "  %8d %12d %12s %12s %14s %12s %14s%n", s.step(), s.nativeAllocs(),
                        mib(s.residentBytes()), mib(s.nonHeapCommitted()), mib(s.heapAllocated()), mib(s.heapUsed()),
                        s.oldGenAfterGc() < 0 ? "-" : mib(s.oldGenAfterGc())));
            }
            return sb.toString();
        }

        private static String mib(long bytes) {
            return String.format(Locale.ROOT, "%.2f MiB", bytes / (1024.0 * 1024.0));
        }
    }

    /**
     * Runs {@link #WARMUP_STEPS} then {@code steps} steps of the workload (set up and closed here),
     * with a checkpoint every {@code every} steps.
     *
     * @param workload the workload
     * @param steps    the measured steps, after the warm-up
     * @param every    the steps between two checkpoints
     * @return the checkpoints
     * @throws IllegalArgumentException when steps or every is not positive, or every exceeds steps
     */
    public static Result run(Workload workload, int steps, int every) {
        if (steps < 1 || every < 1 || every > steps) {
            throw new IllegalArgumentException("expected 1 <= every <= steps. Received: steps=" + steps + ", every=" + every);
        }
        workload.setup();
        try {
            for (int i = 0; i < WARMUP_STEPS; i++) {
                workload.step();
            }
            List<Sample> samples = new ArrayList<>();
            try (Counter counter = new Counter()) {
                long heap0 = allocatedBytes();
                long excluded = 0; // what the probe's own checkpoints allocated (MXBean reads: kilobytes each)
                for (int i = 0; i <= steps; i++) {
                    if (i > 0) {
                        workload.step();
                    }
                    if (i == 0 || i % every == 0 || i == steps) {
                        long before = allocatedBytes();
                        samples.add(sample(i, counter, before - heap0 - excluded));
                        excluded += allocatedBytes() - before;
                    }
                }
            }
            return new Result(workload.benchmark(), workload.engine(), samples);
        } finally {
            workload.close();
        }
    }

    private static Sample sample(long step, Counter counter, long allocated) {
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getCommitted();
        return new Sample(step, counter.allocations, Pointer.physicalBytes(), nonHeap, allocated, used, oldGenAfterGc());
    }

    /** Looked up once: {@code ManagementFactory.getThreadMXBean()} allocates about 800 bytes per call. */
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** The old generation's usage after its last collection (G1 Old Gen, PS Old Gen, Tenured ...), or -1. */
    private static long oldGenAfterGc() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            String name = pool.getName();
            if (pool.getType() == MemoryType.HEAP && (name.contains("Old") || name.contains("Tenured"))) {
                if (pool.getCollectionUsage() == null) {
                    return -1;
                }
                long used = pool.getCollectionUsage().getUsed();
                return used == 0 ? -1 : used;
            }
        }
        return -1;
    }

    /**
     * Counts the native allocations JavaCPP makes on this thread while it is open: each pointer
     * with a deallocator registers with the innermost {@link PointerScope}; this one only counts
     * (it takes no ownership, so nothing is freed early or kept).
     */
    private static final class Counter extends PointerScope {
        long allocations;

        @Override
        public PointerScope attach(Pointer p) {
            allocations++;
            return this;
        }
    }
}
