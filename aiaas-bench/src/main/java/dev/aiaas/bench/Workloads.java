package dev.aiaas.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The catalogue of end-to-end workloads run by {@code aiaas bench}: every engine on identical
 * work. {@code --quick} runs a subset chosen to finish in under three minutes on two cores.
 */
public final class Workloads {

    /** 784-256-10, the small MLP of the quickstart. */
    public static final MlpShape SMALL = MlpShape.of(784, 256, 10);
    /** 784-2048-2048-10, large enough to be arithmetic-bound. */
    public static final MlpShape LARGE = MlpShape.of(784, 2048, 2048, 10);

    private Workloads() {
    }

    /**
     * Every workload of the ND4J engines, in run order; {@link #all(boolean, Peers)} without peers.
     *
     * @param quick whether for {@code --quick} (the same workloads; the runner times those outside
     *              {@link #HEADLINE} briefly)
     * @return the workloads, in run order
     */
    public static List<Workload> all(boolean quick) {
        return all(quick, Peers.none());
    }

    /**
     * Every workload, in run order: for each MLP task the ND4J engines (aiaas, DL4J, SameDiff),
     * then the available peers that do it; the same for each CNN task; the encoder tasks; the image
     * tasks ({@link AiaasImage}: aiaas's automatic decoder and forced ImageIO, and the peers); then
     * the n-gram workloads (aiaas only).
     *
     * @param quick see {@link #all(boolean)}
     * @param peers the peer engines of this run
     * @return the workloads, in run order
     */
    public static List<Workload> all(boolean quick, Peers peers) {
        List<Workload> all = new ArrayList<>();
        for (MlpTask t : tasks(quick)) {
            all.addAll(engines(t));
            all.addAll(peers.workloads(t));
        }
        for (CnnTask t : cnnTasks()) {
            all.addAll(engines(t));
            all.addAll(peers.workloads(t));
        }
        for (EncoderTask t : EncoderTask.tasks()) {
            all.add(new AiaasEncoder(t));
            all.addAll(peers.workloads(t));
        }
        for (DecoderTask t : DecoderTask.tasks()) {
            all.add(new AiaasDecoder(t));
            all.addAll(peers.workloads(t));
        }
        for (ImageTask t : ImageTask.tasks()) {
            all.addAll(AiaasImage.of(t));
            all.addAll(peers.workloads(t));
        }
        all.add(NgramWorkload.build());
        all.add(NgramWorkload.query());
        return all;
    }

    /**
     * The benchmarks {@code --quick} times fully, at every thread setting: the small MLP's training
     * step at batch 128 and its inference at batch 1 and 128; the cnn's training step at batch 128
     * and inference at batch 1 and 128; LeNet-5's training step. It runs the others briefly
     * ({@link BenchOptions#brief()}).
     */
    public static final java.util.Set<String> HEADLINE = java.util.Set.of("mlp-784-256-10-b128", "infer-784-256-10-b1",
            "serve-784-256-10-b1", "infer-784-256-10-b128", "ngram-query-moby-o3", "cnn-b128", "infer-cnn-b1",
            "infer-cnn-b128", "lenet5-b64");

    /**
     * The name of every benchmark of a run (MLP, CNN, encoder and image tasks; the n-gram workloads have no peers),
     * for choosing which peers to probe.
     *
     * @param quick whether for {@code --quick}
     * @return the benchmark names, in run order
     */
    public static List<String> benchmarks(boolean quick) {
        List<String> names = new ArrayList<>();
        tasks(quick).forEach(t -> names.add(t.benchmark()));
        cnnTasks().forEach(t -> names.add(t.benchmark()));
        EncoderTask.tasks().forEach(t -> names.add(t.benchmark()));
        DecoderTask.tasks().forEach(t -> names.add(t.benchmark()));
        ImageTask.tasks().forEach(t -> names.add(t.benchmark()));
        return names;
    }

    /**
     * The CNN tasks, in run order: training steps of {@code cnn-b128} (the CLI's {@code --model cnn}
     * at its batch size), {@code lenet5-b64} and {@code resnet-small-b64}; inference of the cnn and of
     * the small ResNet at batch 1 and 128.
     *
     * @return the tasks
     */
    public static List<CnnTask> cnnTasks() {
        return List.of(CnnTask.training(CnnNet.CNN, 128), CnnTask.inference(CnnNet.CNN, 1), CnnTask.inference(CnnNet.CNN, 128),
                CnnTask.training(CnnNet.LENET5, 64), CnnTask.training(CnnNet.RESNET_SMALL, 64), CnnTask.inference(CnnNet.RESNET_SMALL, 1),
                CnnTask.inference(CnnNet.RESNET_SMALL, 128));
    }

    /**
     * The CNN task in every JVM engine that builds its network: aiaas (where {@code Networks} has
     * it), DL4J, SameDiff.
     *
     * @param task the task
     * @return one workload per engine that does it
     */
    public static List<Workload> engines(CnnTask task) {
        List<Workload> out = new ArrayList<>();
        if (AiaasCnn.supports(task.net())) {
            out.add(new AiaasCnn(task));
        }
        out.add(new Dl4jCnn(task));
        out.add(new SameDiffCnn(task));
        return out;
    }

    /**
     * The MLP tasks (the same for a full run and {@code --quick}), in run order.
     *
     * @param quick whether for {@code --quick}
     * @return the tasks
     */
    public static List<MlpTask> tasks(boolean quick) {
        // the headline first, so that a quick run's main figures come before the brief ones
        List<MlpTask> tasks = new ArrayList<>();
        tasks.add(MlpTask.training(SMALL, 128));
        tasks.add(MlpTask.inference(SMALL, 1));
        tasks.add(MlpTask.serving(SMALL, 1));
        tasks.add(MlpTask.inference(SMALL, 128));
        tasks.add(MlpTask.training(SMALL, 32));
        tasks.add(MlpTask.training(SMALL, 512));
        tasks.add(MlpTask.trainingWithNorm(SMALL, 128));
        tasks.add(MlpTask.training(LARGE, 512));
        return tasks;
    }

    /**
     * The task in every JVM engine: aiaas, DL4J, SameDiff (inference into a buffer: aiaas only;
     * the MLP with normalisation: aiaas and DL4J; of the peers, pytorch-py).
     *
     * @param task the task
     * @return one workload per engine that does it
     */
    public static List<Workload> engines(MlpTask task) {
        if (task.intoBuffer()) {
            return List.of(new AiaasMlp(task));
        }
        if (task.norm()) {
            return List.of(new AiaasMlp(task), new Dl4jMlp(task));
        }
        return List.of(new AiaasMlp(task), new Dl4jMlp(task), new SameDiffMlp(task));
    }
}
