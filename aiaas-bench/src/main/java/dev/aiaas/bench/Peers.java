package dev.aiaas.bench;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Predicate;

/**
 * The peer engines of a run and why each one is in it or not.
 *
 * <ul>
 *   <li>{@code pytorch-djl} (PyTorch 2.7.1 in this JVM through DJL) and {@code onnxruntime} (ONNX
 *       Runtime 1.29, inference only) are {@link PeerEngine}s found with {@link ServiceLoader};
 *       they are compiled only under the Maven profile {@code peers}, and otherwise reported as
 *       not built in, with the command that builds them in ({@link #BUILD_WITH_PEERS}).</li>
 *   <li>{@code pytorch-py} ({@link PythonPeer}) needs no build: it takes part when its interpreter
 *       can import torch.</li>
 * </ul>
 * An engine that is built in but cannot run here (a native library that does not load) is
 * reported with its reason; no peer makes the run fail before it starts.
 */
public final class Peers {

    /** The peers that live in this JVM and need the Maven profile {@code peers}. */
    public static final List<String> IN_JVM = List.of("pytorch-djl", "onnxruntime");
    /** The command that builds the in-JVM peers into the CLI jar. */
    public static final String BUILD_WITH_PEERS = "mvn -B -Ppeers -pl aiaas-cli -am package -DskipTests";

    private final List<PeerEngine> available;
    private final List<PeerStatus> statuses;

    private Peers(List<PeerEngine> available, List<PeerStatus> statuses) {
        this.available = List.copyOf(available);
        this.statuses = List.copyOf(statuses);
    }

    /** {@return no peers and no statuses: the ND4J engines only} */
    public static Peers none() {
        return new Peers(List.of(), List.of());
    }

    /**
     * The peers of this installation: the {@link PeerEngine}s on the class path, {@link
     * PythonPeer#fromEnvironment()}, and a not-built-in status for each of {@link #IN_JVM} that is
     * absent. Only the engines {@code wanted} accepts are probed (probing loads native libraries
     * or starts Python) or reported.
     *
     * @param wanted which engine names to probe and report
     * @return the peers and their statuses
     */
    public static Peers detect(Predicate<String> wanted) {
        List<PeerEngine> engines = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        Iterator<PeerEngine> it = ServiceLoader.load(PeerEngine.class, Peers.class.getClassLoader()).iterator();
        // a service file naming a class that is not there (target/classes left from a -Ppeers build
        // that a build without the profile recompiled) must not stop the benchmark
        for (int guard = 0; guard < 64; guard++) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                engines.add(it.next());
            } catch (ServiceConfigurationError e) {
                broken.add(e.getMessage());
            }
        }
        engines.add(PythonPeer.fromEnvironment());
        Peers p = of(engines, IN_JVM, wanted);
        if (broken.isEmpty()) {
            return p;
        }
        List<PeerStatus> statuses = new ArrayList<>();
        for (PeerStatus s : p.statuses) {
            statuses.add(s.available() || !s.detail().equals(notBuiltIn()) ? s
                    : new PeerStatus(s.engine(), false, notBuiltIn() + " (the class path names peers whose classes are missing: "
                            + String.join("; ", broken) + "; after switching profiles run mvn clean)"));
        }
        return new Peers(p.available, statuses);
    }

    /**
     * The given engines, each probed with {@link PeerEngine#unavailableReason()}, and a not-built-in
     * status for each name of {@code expected} that none of them has.
     *
     * @param engines  the candidates
     * @param expected engine names that should be there in a build with every peer
     * @param wanted   which engine names to probe and report; the rest are left out silently
     * @return the available engines and every status
     */
    public static Peers of(List<PeerEngine> engines, List<String> expected, Predicate<String> wanted) {
        List<PeerEngine> ok = new ArrayList<>();
        List<PeerStatus> statuses = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (PeerEngine e : engines) {
            seen.add(e.engine());
            if (!wanted.test(e.engine())) {
                continue;
            }
            Optional<String> reason = probe(e);
            if (reason.isEmpty()) {
                ok.add(e);
                statuses.add(new PeerStatus(e.engine(), true, e.version()));
            } else {
                statuses.add(new PeerStatus(e.engine(), false, reason.get()));
            }
        }
        for (String name : expected) {
            if (!seen.contains(name) && wanted.test(name)) {
                statuses.add(new PeerStatus(name, false, notBuiltIn()));
            }
        }
        return new Peers(ok, statuses);
    }

    /** {@return the reason given for an in-JVM peer that is not on the class path} */
    public static String notBuiltIn() {
        return "not built in: this jar was built without the Maven profile 'peers'; rebuild with " + BUILD_WITH_PEERS
                + " and run with -Dai.djl.offline=true (see docs/benchmarks.md)";
    }

    private static Optional<String> probe(PeerEngine e) {
        try {
            return e.unavailableReason();
        } catch (RuntimeException | LinkageError x) {
            return Optional.of(x.getClass().getSimpleName() + ": " + x.getMessage());
        }
    }

    /** {@return every peer's status, in detection order} */
    public List<PeerStatus> statuses() {
        return statuses;
    }

    /** {@return the names of the peers that take part} */
    public List<String> availableEngines() {
        return available.stream().map(PeerEngine::engine).toList();
    }

    /**
     * The task in every available peer that supports it.
     *
     * @param task the task
     * @return one workload per peer that does it, in detection order
     */
    public List<Workload> workloads(MlpTask task) {
        List<Workload> out = new ArrayList<>();
        for (PeerEngine e : available) {
            if (e.supports(task)) {
                out.add(e.workload(task));
            }
        }
        return out;
    }

    /**
     * The CNN task in every available peer that supports it.
     *
     * @param task the task
     * @return one workload per peer that does it, in detection order
     */
    public List<Workload> workloads(CnnTask task) {
        List<Workload> out = new ArrayList<>();
        for (PeerEngine e : available) {
            if (e.supports(task)) {
                out.add(e.workload(task));
            }
        }
        return out;
    }

    /**
     * The encoder task in every available peer that supports it.
     *
     * @param task the task
     * @return one workload per peer that does it, in detection order
     */
    public List<Workload> workloads(EncoderTask task) {
        List<Workload> out = new ArrayList<>();
        for (PeerEngine e : available) {
            if (e.supports(task)) {
                out.add(e.workload(task));
            }
        }
        return out;
    }

    /**
     * The image-pipeline task in every available peer that supports it.
     *
     * @param task the task
     * @return one workload per peer that does it, in detection order
     */
    public List<Workload> workloads(ImageTask task) {
        List<Workload> out = new ArrayList<>();
        for (PeerEngine e : available) {
            if (e.supports(task)) {
                out.add(e.workload(task));
            }
        }
        return out;
    }

    /**
     * The decoder task in every available peer that supports it.
     *
     * @param task the task
     * @return one workload per peer that does it, in detection order
     */
    public List<Workload> workloads(DecoderTask task) {
        List<Workload> out = new ArrayList<>();
        for (PeerEngine e : available) {
            if (e.supports(task)) {
                out.add(e.workload(task));
            }
        }
        return out;
    }
}
