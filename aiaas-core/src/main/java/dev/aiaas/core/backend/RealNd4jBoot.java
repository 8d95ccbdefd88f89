package dev.aiaas.core.backend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.nd4j.common.config.ND4JClassLoading;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.factory.Nd4jBackend;
import org.nd4j.nativeblas.NativeOpsHolder;

/** Initialises ND4J through its own discovery, with the unwanted backends hidden from it. */
final class RealNd4jBoot implements Nd4jBoot {

    static final String CPU_BACKEND_CLASS = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
    static final String SERVICE_FILE = "META-INF/services/" + Nd4jBackend.class.getName();

    /**
     * OpenMP's wait policy. libgomp's default lets idle OpenMP threads spin, and on a machine with
     * few cores they then take the cores that OpenBLAS's threads need: measured on 2 cores, an MLP
     * training step of 15 to 24 ms becomes 5.5 ms with PASSIVE (REFERENCE.md's lever). libgomp reads
     * it once, when ND4J's native library loads, so it is set just before; a value the user set
     * wins.
     */
    static final String OMP_WAIT_POLICY = "OMP_WAIT_POLICY";

    @Override
    public BackendKind initialise(BackendKind wanted) {
        NativeEnv.setDefault(OMP_WAIT_POLICY, "PASSIVE");
        String wantedClass = wanted == BackendKind.CUDA ? CudaProbe.CUDA_BACKEND_CLASS : CPU_BACKEND_CLASS;
        ClassLoader previous = ND4JClassLoading.getNd4jClassloader();
        ND4JClassLoading.setNd4jClassloader(new OneBackendClassLoader(previous, wantedClass));
        try {
            // Nd4j's class initialisation runs Nd4jBackend.load(), which sees only wantedClass;
            // when Nd4j was initialised before, this returns the backend it already has.
            BackendKind kind = kindOf(Nd4j.getBackend());
            // one master thread: ND4J's ops do not fan out across extra top-level threads, which on
            // few cores only compete with OpenMP and BLAS (REFERENCE.md's measured lever)
            Nd4j.getEnvironment().setMaxMasterThreads(1);
            return kind;
        } finally {
            ND4JClassLoading.setNd4jClassloader(previous);
        }
    }

    @Override
    public void applyThreads(int threads, int blasThreads) {
        if (threads > 0) {
            // Environment.setMaxThreads alone does not change OpenMP's team size in ND4J 1.0.0-M2.1
            Nd4j.getBackend(); // NativeOpsHolder needs ND4J's context loaded
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
            Nd4j.getEnvironment().setMaxThreads(threads);
        }
        if (blasThreads > 0) {
            Nd4j.factory().blas().setMaxThreads(blasThreads);
        }
    }

    static BackendKind kindOf(Nd4jBackend backend) {
        String name = backend.getClass().getName();
        if (name.equals(CPU_BACKEND_CLASS)) {
            return BackendKind.CPU;
        }
        if (name.equals(CudaProbe.CUDA_BACKEND_CLASS)) {
            return BackendKind.CUDA;
        }
        throw new IllegalStateException("ND4J runs on the backend " + name + ", which aiaas does not support; "
                + "expected " + CPU_BACKEND_CLASS + " or " + CudaProbe.CUDA_BACKEND_CLASS
                + ". Remove the other backend's jar from the class path.");
    }

    /**
     * Delegates everything to its parent but lists, as providers of {@link Nd4jBackend}, only the
     * service files that name the wanted backend class.
     */
    static final class OneBackendClassLoader extends ClassLoader {
        private final String wantedClass;

        OneBackendClassLoader(ClassLoader parent, String wantedClass) {
            super(parent);
            this.wantedClass = wantedClass;
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            Enumeration<URL> all = super.getResources(name);
            if (!SERVICE_FILE.equals(name)) {
                return all;
            }
            List<URL> kept = new ArrayList<>();
            for (URL url : Collections.list(all)) {
                if (names(url, wantedClass)) {
                    kept.add(url);
                }
            }
            return Collections.enumeration(kept);
        }

        private static boolean names(URL serviceFile, String className) throws IOException {
            try (InputStream in = serviceFile.openStream()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
                    int hash = line.indexOf('#');
                    String entry = (hash >= 0 ? line.substring(0, hash) : line).trim();
                    if (entry.equals(className)) {
                        return true;
                    }
                }
                return false;
            }
        }
    }
}
