package dev.aiaas.core.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import dev.aiaas.core.Versions;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * What the process runs on: backend, devices and memory, the native build loaded against what
 * the CPU supports, the BLAS vendor and thread counts.
 *
 * @param backend        the selected backend
 * @param aiaasVersion   this library's version
 * @param nd4jVersion    the ND4J version it was built against
 * @param nd4jBackend    ND4J's backend class
 * @param devices        one line per device (the CPU, or each GPU)
 * @param physicalBytes  the machine's physical memory, in bytes
 * @param heapMaxBytes   the JVM's maximum heap, in bytes
 * @param offHeapMaxBytes the most off-heap memory JavaCPP lets ND4J allocate, in bytes
 * @param build          the native build loaded and what the CPU supports
 * @param blasVendor     the BLAS library ND4J calls, for example {@code OPENBLAS}
 * @param threads        OpenMP threads ND4J's kernels use ({@code omp_get_max_threads})
 * @param masterThreads  ND4J's master threads (parallel ops started at once)
 * @param blasThreads    BLAS threads
 * @param extra          backend-specific facts from ND4J's environment information
 */
public record BackendReport(Backend backend, String aiaasVersion, String nd4jVersion, String nd4jBackend,
                            List<String> devices, long physicalBytes, long heapMaxBytes, long offHeapMaxBytes,
                            NativeBuild build, String blasVendor, int threads, int masterThreads, int blasThreads,
                            Map<String, String> extra) {

    /**
     * Copies the lists so the record stays immutable.
     *
     * @param backend         the selected backend
     * @param aiaasVersion    this library's version
     * @param nd4jVersion     the ND4J version it was built against
     * @param nd4jBackend     ND4J's backend class
     * @param devices         one line per device (the CPU, or each GPU)
     * @param physicalBytes   the machine's physical memory, in bytes
     * @param heapMaxBytes    the JVM's maximum heap, in bytes
     * @param offHeapMaxBytes the most off-heap memory JavaCPP lets ND4J allocate, in bytes
     * @param build           the native build loaded and what the CPU supports
     * @param blasVendor      the BLAS library ND4J calls, for example {@code OPENBLAS}
     * @param threads         OpenMP threads ND4J's kernels use ({@code omp_get_max_threads})
     * @param masterThreads   ND4J's master threads (parallel ops started at once)
     * @param blasThreads     BLAS threads
     * @param extra           backend-specific facts from ND4J's environment information
     */
    public BackendReport {
        devices = List.copyOf(devices);
        extra = Map.copyOf(extra);
    }

    static BackendReport of(Backend backend) {
        NativeBuild build = NativeBuild.ofThisProcess();
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        List<String> devices = new ArrayList<>();
        Map<String, String> extra = new java.util.TreeMap<>();
        int cores = Runtime.getRuntime().availableProcessors();
        if (backend.kind() == BackendKind.CPU) {
            devices.add("CPU: " + build.cpuModel() + ", " + cores + " cores available to the JVM");
        } else {
            int n = Nd4j.getAffinityManager().getNumberOfDevices();
            for (int i = 0; i < n; i++) {
                devices.add("GPU " + i);
            }
        }
        for (String key : env.stringPropertyNames()) {
            if (key.startsWith("cuda") || key.startsWith("memory.")) {
                extra.put(key, String.valueOf(env.get(key)));
            }
        }
        return new BackendReport(backend, Versions.aiaas(), Versions.nd4j(),
                Nd4j.getBackend().getClass().getName(), devices,
                Pointer.totalPhysicalBytes(), Runtime.getRuntime().maxMemory(), Pointer.maxBytes(), build,
                String.valueOf(Nd4j.factory().blas().getBlasVendor()),
                NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(), Nd4j.getEnvironment().maxMasterThreads(),
                Nd4j.factory().blas().getMaxThreads(), extra);
    }

    /** {@return the report as aligned "name: value" lines, as {@code aiaas info} prints it} */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        line(sb, "aiaas", aiaasVersion + " on ND4J " + nd4jVersion);
        line(sb, "backend", backend.kind().configName() + " (requested: " + backend.requested().configName()
                + "; " + backend.note() + ")");
        line(sb, "nd4j backend", nd4jBackend);
        for (String d : devices) {
            line(sb, "device", d);
        }
        line(sb, "memory", "physical " + gib(physicalBytes) + ", JVM heap max " + gib(heapMaxBytes)
                + ", off-heap max " + gib(offHeapMaxBytes));
        line(sb, "native build", build.classifier() + " (" + build.buildLevel() + (build.oneDnn() ? ", oneDNN" : ", no oneDNN") + ")");
        line(sb, "cpu supports", build.cpuSupports());
        build.advice().ifPresent(a -> line(sb, "advice", a));
        line(sb, "blas", blasVendor + ", " + blasThreads + " threads");
        line(sb, "predictors", dev.aiaas.core.kernel.DenseKernels.VECTOR
                .map(k -> "packed, " + k.describe()).orElse("BLAS (" + dev.aiaas.core.kernel.DenseKernels.UNAVAILABLE + ")"));
        line(sb, "threads", threads + " OpenMP (wait policy " + ompWaitPolicy() + "), " + masterThreads + " master");
        for (Map.Entry<String, String> e : extra.entrySet()) {
            line(sb, e.getKey(), e.getValue());
        }
        return sb.toString();
    }

    /** OpenMP's wait policy in force (aiaas sets PASSIVE unless the environment says otherwise). */
    private static String ompWaitPolicy() {
        String v = NativeEnv.getenv(RealNd4jBoot.OMP_WAIT_POLICY);
        return v == null ? "libgomp default" : v;
    }

    private static void line(StringBuilder sb, String name, String value) {
        sb.append(String.format(Locale.ROOT, "%-14s %s%n", name + ":", value));
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
