package dev.aiaas.core.backend;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Finds out, without initialising ND4J, whether its CUDA backend can run here, checking in turn:
 * the backend jar on the class path, an NVIDIA driver, a CUDA 11.x runtime, and finally the
 * backend's own {@code isAvailable()} check.
 */
final class CudaProbe {

    /** The class ND4J's CUDA backend registers with {@code ServiceLoader}. */
    static final String CUDA_BACKEND_CLASS = "org.nd4j.linalg.jcublas.JCublasBackend";
    /** The class of the redistributable CUDA runtime, {@code org.bytedeco:cuda}. */
    static final String CUDA_REDIST_CLASS = "org.bytedeco.cuda.global.cudart";
    /** The CUDA runtime major version that {@code nd4j-cuda-11.6} links against. */
    static final int NEEDED_CUDA_MAJOR = 11;

    static final String CLASS_PATH_FIX = "add org.nd4j:nd4j-cuda-11.6:1.0.0-M2.1 (with and without the classifier "
            + "linux-x86_64) to the class path in place of nd4j-native (in this project: build with mvn -Pcuda), "
            + "or run on the CPU with AIAAS_BACKEND=cpu";
    static final String DRIVER_FIX = "install the NVIDIA driver (check with nvidia-smi), or run on the CPU with AIAAS_BACKEND=cpu";
    static final String RUNTIME_FIX = "install a CUDA 11.x runtime (libcudart.so.11.0 on the library path), or add "
            + "org.bytedeco:cuda:11.6-8.3-1.5.7 with the classifier linux-x86_64-redist, or run on the CPU with AIAAS_BACKEND=cpu";

    /** What the probe needs to know about the machine; replaced by a fake in tests. */
    interface Machine {
        boolean classPresent(String className);

        boolean driverPresent();

        /** The sonames of the CUDA runtimes ({@code libcudart.so.N}) found on the library path. */
        List<String> cudaRuntimes();

        /** Runs the CUDA backend's own availability check; returns null when it passes, else why not. */
        String backendCheck();
    }

    private final Machine machine;

    CudaProbe(Machine machine) {
        this.machine = machine;
    }

    /** A probe of this machine and class path. */
    static CudaProbe ofThisMachine() {
        return new CudaProbe(new RealMachine());
    }

    CudaStatus probe() {
        if (!machine.classPresent(CUDA_BACKEND_CLASS)) {
            return CudaStatus.unavailable(false,
                    "ND4J's CUDA backend (" + CUDA_BACKEND_CLASS + ", from org.nd4j:nd4j-cuda-11.6) is not on the class path",
                    CLASS_PATH_FIX);
        }
        if (!machine.driverPresent()) {
            return CudaStatus.unavailable(true,
                    "no NVIDIA driver found (no /proc/driver/nvidia/version and no libcuda.so.1 on the library path)",
                    DRIVER_FIX);
        }
        if (!machine.classPresent(CUDA_REDIST_CLASS)) {
            List<String> runtimes = machine.cudaRuntimes();
            boolean hasNeeded = runtimes.stream().anyMatch(r -> r.startsWith("libcudart.so." + NEEDED_CUDA_MAJOR));
            if (!hasNeeded) {
                String found = runtimes.isEmpty() ? "none was found" : "found " + String.join(", ", runtimes);
                return CudaStatus.unavailable(true,
                        "nd4j-cuda-11.6 needs CUDA runtime " + NEEDED_CUDA_MAJOR + ".x (libcudart.so." + NEEDED_CUDA_MAJOR
                                + ".0), and " + found + " (nor is org.bytedeco:cuda's redist jar on the class path)",
                        RUNTIME_FIX);
            }
        }
        String failure = machine.backendCheck();
        if (failure != null) {
            return CudaStatus.unavailable(true, "ND4J's CUDA backend failed to initialise: " + failure,
                    "check that the driver supports CUDA " + NEEDED_CUDA_MAJOR + ".6 (nvidia-smi shows the highest CUDA "
                            + "version it supports) and that one GPU is visible (CUDA_VISIBLE_DEVICES), or run on the CPU with AIAAS_BACKEND=cpu");
        }
        return CudaStatus.available();
    }

    /** The real machine: the class path, /proc and the library path. */
    static final class RealMachine implements Machine {
        @Override
        public boolean classPresent(String className) {
            try {
                Class.forName(className, false, classLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }

        @Override
        public boolean driverPresent() {
            if (Files.exists(Path.of("/proc/driver/nvidia/version"))) {
                return true;
            }
            return !findLibraries("libcuda.so.1").isEmpty();
        }

        @Override
        public List<String> cudaRuntimes() {
            return findLibraries("libcudart.so.");
        }

        @Override
        public String backendCheck() {
            try {
                Class<?> c = Class.forName(CUDA_BACKEND_CLASS, true, classLoader());
                Object backend = c.getDeclaredConstructor().newInstance();
                boolean ok = (boolean) c.getMethod("isAvailable").invoke(backend)
                        && (boolean) c.getMethod("canRun").invoke(backend);
                return ok ? null : "isAvailable()/canRun() returned false";
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                Throwable root = e;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                return root.getClass().getSimpleName() + ": " + root.getMessage();
            }
        }

        private static ClassLoader classLoader() {
            ClassLoader cl = Thread.currentThread().getContextClassLoader();
            return cl != null ? cl : CudaProbe.class.getClassLoader();
        }

        /** File names starting with {@code prefix} in LD_LIBRARY_PATH and the usual library folders. */
        static List<String> findLibraries(String prefix) {
            Set<String> dirs = new LinkedHashSet<>();
            String ld = System.getenv("LD_LIBRARY_PATH");
            if (ld != null) {
                for (String d : ld.split(File.pathSeparator)) {
                    if (!d.isBlank()) {
                        dirs.add(d);
                    }
                }
            }
            dirs.addAll(List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu",
                    "/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib"));
            Set<String> found = new LinkedHashSet<>();
            for (String d : dirs) {
                Path dir = Path.of(d);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, prefix + "*")) {
                    for (Path p : s) {
                        found.add(p.getFileName().toString());
                    }
                } catch (IOException e) {
                    // an unreadable folder holds nothing we can load
                }
            }
            return new ArrayList<>(found);
        }
    }

    /** Convenience for callers that only need the answer once. */
    static Supplier<CudaStatus> lazily() {
        return () -> ofThisMachine().probe();
    }
}
