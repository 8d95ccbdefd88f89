package dev.aiaas.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which native ND4J build is loaded (read from the process's memory map) and which vector
 * extensions the CPU has (read from {@code /proc/cpuinfo}).
 *
 * @param classifier   the classifier of the loaded {@code nd4j-native} build, for example
 *                     {@code linux-x86_64-avx512}, or {@code unknown}
 * @param library      the path of the loaded {@code libnd4jcpu.so} / {@code libnd4jcuda.so}, or empty
 * @param oneDnn       whether the build uses oneDNN
 * @param cpuModel     the CPU's model name, or {@code unknown}
 * @param cpuSupports  the best vector extension level the CPU supports: {@code AVX-512},
 *                     {@code AVX2} or {@code generic}
 */
public record NativeBuild(String classifier, String library, boolean oneDnn, String cpuModel, String cpuSupports) {

    /** {@return the build level of the loaded classifier: {@code AVX-512}, {@code AVX2} or {@code generic}} */
    public String buildLevel() {
        if (classifier.contains("avx512")) {
            return "AVX-512";
        }
        if (classifier.contains("avx2")) {
            return "AVX2";
        }
        return "generic";
    }

    /**
     * Advice when the CPU supports a faster build than the one loaded, for example
     * "this CPU supports AVX-512: build with -Daiaas.native=linux-x86_64-avx512"; empty otherwise.
     *
     * @return the advice, or empty when the loaded build fits the CPU (or the platform is not Linux x86-64)
     */
    public Optional<String> advice() {
        if (!classifier.startsWith("linux-x86_64") || rank(cpuSupports) <= rank(buildLevel())) {
            return Optional.empty();
        }
        String suffix = cpuSupports.equals("AVX-512") ? "avx512" : "avx2";
        String wanted = "linux-x86_64-" + (oneDnn ? "onednn-" : "") + suffix;
        return Optional.of("this CPU supports " + cpuSupports + " but the " + buildLevel()
                + " build is loaded: build with -Daiaas.native=" + wanted + " for faster element-wise kernels");
    }

    private static int rank(String level) {
        return switch (level) {
            case "AVX-512" -> 2;
            case "AVX2" -> 1;
            default -> 0;
        };
    }

    /** Reads this process's loaded build and CPU. */
    static NativeBuild ofThisProcess() {
        return parse(lines(Path.of("/proc/self/maps")), lines(Path.of("/proc/cpuinfo")));
    }

    /** Parses the contents of {@code /proc/self/maps} and {@code /proc/cpuinfo}. */
    static NativeBuild parse(List<String> maps, List<String> cpuinfo) {
        String library = maps.stream()
                .filter(l -> l.contains("/libnd4jcpu.so") || l.contains("/libnd4jcuda.so"))
                .map(l -> l.substring(l.indexOf('/')))
                .findFirst().orElse("");
        String classifier = "unknown";
        if (!library.isEmpty()) {
            Path parent = Path.of(library).getParent();
            if (parent != null && parent.getFileName() != null) {
                classifier = parent.getFileName().toString();
            }
        }
        boolean oneDnn = classifier.contains("onednn") || maps.stream().anyMatch(l -> l.contains("/libdnnl.so"));
        String model = cpuinfo.stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        Set<String> flags = cpuinfo.stream().filter(l -> l.startsWith("flags"))
                .findFirst().map(l -> Stream.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))
                        .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()))
                .orElse(Set.of());
        String supports = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2" : "generic";
        return new NativeBuild(classifier, library, oneDnn, model, supports);
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }
}
