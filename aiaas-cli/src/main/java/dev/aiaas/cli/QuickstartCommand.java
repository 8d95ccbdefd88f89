package dev.aiaas.cli;

import dev.aiaas.core.backend.Backend;
import dev.aiaas.datasets.EmbeddedDatasets;
import dev.aiaas.vision.formation.Light;
import dev.aiaas.vision.formation.Lights;
import dev.aiaas.vision.formation.PhotometricStereo;
import dev.aiaas.vision.formation.RenderOptions;
import dev.aiaas.vision.formation.Renderer;
import dev.aiaas.vision.formation.Scenes;
import dev.aiaas.vision.formation.StereoOptions;
import dev.aiaas.vision.formation.StereoResult;
import dev.aiaas.vision.formation.Surface;
import dev.aiaas.vision.image.Image;
import dev.aiaas.vision.image.ImageFiles;
import dev.aiaas.vision.image.ImageLimits;
import dev.aiaas.vision.transform.PipelineSpec;
import dev.aiaas.vision.transform.Transform;
import dev.aiaas.nlp.corpus.Corpora;
import dev.aiaas.nlp.lm.NgramModel;
import dev.aiaas.nlp.lm.NgramOptions;
import dev.aiaas.nlp.lm.Perplexity;
import dev.aiaas.nlp.lm.Sampler;
import dev.aiaas.nlp.lm.SamplingOptions;
import dev.aiaas.core.data.Dataset;
import dev.aiaas.core.data.FashionMnist;
import dev.aiaas.core.data.TrainTest;
import dev.aiaas.core.loss.Losses;
import dev.aiaas.core.nn.Model;
import dev.aiaas.core.nn.Predictor;
import dev.aiaas.core.optim.Optimizers;
import dev.aiaas.core.train.History;
import dev.aiaas.core.train.Trainer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code aiaas quickstart}: the main job. Runs each capability that exists so far on embedded
 * default data, showing progress, and prints the results.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Runs each capability of aiaas on embedded default data, with progress, and prints the results.",
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas quickstart",
                "  aiaas quickstart --seed 7 --threads 2"})
final class QuickstartCommand implements Callable<Integer> {

    @ParentCommand
    AiaasCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    /** One step of the quickstart: a name and the work, which returns its result lines. */
    interface Step {
        String name();

        List<String> run() throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Step> steps = new ArrayList<>();
        Backend[] backend = new Backend[1];
        steps.add(step("Selecting the backend", () -> {
            backend[0] = parent.selectBackend(spec.commandLine());
            var r = backend[0].report();
            List<String> lines = new ArrayList<>();
            lines.add("backend " + backend[0].kind().configName() + " (" + backend[0].note() + "), native build "
                    + r.build().classifier() + ", BLAS " + r.blasVendor() + " with " + r.blasThreads() + " threads");
            r.build().advice().ifPresent(a -> lines.add("advice: " + a));
            return lines;
        }));
        steps.add(step("Checking tensor arithmetic against plain Java", () -> List.of(checkMatrixProduct(seed))));
        steps.add(step("Training an MLP on Fashion-MNIST (embedded subset: 6,000 train / 1,000 test images)",
                () -> trainMlp(seed)));
        steps.add(step("Training a CNN on Fashion-MNIST (embedded subset: the first " + String.format(Locale.ROOT, "%,d", CNN_IMAGES)
                + " train images, 1 epoch; 1,000 test images)", () -> trainCnn(seed)));
        steps.add(step("Building a 3-gram modified Kneser-Ney language model on Moby-Dick (embedded)",
                () -> languageModel(seed)));
        steps.add(step("Images: seeded augmentation of an embedded photo; a rendered scene and its photometric stereo",
                () -> images(seed)));

        long start = System.nanoTime();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            out.printf(Locale.ROOT, "[%d/%d] %s ...%n", i + 1, steps.size(), s.name());
            out.flush();
            long t0 = System.nanoTime();
            List<String> lines = s.run();
            for (String l : lines) {
                out.println("      " + l);
            }
            out.printf(Locale.ROOT, "      done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            out.flush();
        }
        out.printf(Locale.ROOT, "quickstart finished: %d steps in %.1f s%n", steps.size(), (System.nanoTime() - start) / 1e9);
        out.flush();
        return 0;
    }

    private static Step step(String name, Callable<List<String>> work) {
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<String> run() throws Exception {
                return work.call();
            }
        };
    }

    /**
     * Trains an MLP 784-128-10 (ReLU, softmax cross-entropy, Adam 1e-3, batch 64, 3 epochs) on the
     * embedded Fashion-MNIST subset and returns its per-epoch results and test accuracy, then
     * classifies the test images through the model's {@link Predictor}.
     */
    static List<String> trainMlp(long seed) throws Exception {
        List<String> lines = new ArrayList<>();
        try (TrainTest data = FashionMnist.embedded(); Model m = TrainCommand.mlp(784, 128, 10, seed)) {
            Trainer trainer = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.adam(1e-3))
                    .epochs(3).batchSize(64).seed(seed).build();
            long t0 = System.nanoTime();
            History h = trainer.fit(m, data.train(), data.test());
            double seconds = (System.nanoTime() - t0) / 1e9;
            lines.add(String.format(Locale.ROOT, "MLP 784-128-10 (%,d parameters), Adam, batch 64, 3 epochs in %.1f s:",
                    m.parameterCount(), seconds));
            for (int e = 0; e < h.epochCount(); e++) {
                lines.add(String.format(Locale.ROOT, "  epoch %d: loss %.4f, train accuracy %.4f, test accuracy %.4f", e + 1,
                        h.epoch(e).get("loss"), h.epoch(e).get("accuracy"), h.epoch(e).get("val_accuracy")));
            }
            lines.add(String.format(Locale.ROOT, "test accuracy: %.4f", h.last("val_accuracy")));
            // serving: the frozen, packed form of the model, fed a plain Java array of the test images
            try (Predictor p = m.predictor(); INDArray rows = data.test().features().dup('c')) {
                int n = data.test().size();
                float[] logits = p.predict(rows.data().asFloat());
                int classes = logits.length / n;
                int correct = 0;
                for (int i = 0; i < n; i++) {
                    int best = 0;
                    for (int c = 1; c < classes; c++) {
                        best = logits[i * classes + c] > logits[i * classes + best] ? c : best;
                    }
                    correct += best == data.test().label(i) ? 1 : 0;
                }
                lines.add(String.format(Locale.ROOT, "serving: model.predictor() classified the %,d test images in one call, accuracy %.4f",
                        n, correct / (double) n));
                lines.add("  predictor: " + p.kernel());
            }
        }
        return lines;
    }

    /** The training images of the quickstart's CNN step: a few seconds on two cores. */
    /** Augmentations of the embedded photo that the image step makes. */
    static final int AUGMENTATIONS = 8;

    /** The side of the image step's rendered sphere, in pixels, and its lights (images). */
    static final int RENDER_SIZE = 64;
    static final int RENDER_LIGHTS = 8;

    /**
     * Augments the embedded photo {@value #AUGMENTATIONS} times with the default pipeline of
     * {@code aiaas vision augment} (one seed each, and the first again to show that a seed fixes the
     * pixels), then renders a {@value #RENDER_SIZE}-pixel sphere under {@value #RENDER_LIGHTS}
     * lights (cast shadows, 8-bit quantisation) and recovers its normals by photometric stereo,
     * reporting their mean angular error against the rendered ones.
     */
    static List<String> images(long seed) throws Exception {
        List<String> lines = new ArrayList<>();
        String file = EmbeddedDatasets.PHOTOS_FILES.get(0);
        byte[] jpeg;
        try (java.io.InputStream in = EmbeddedDatasets.open(EmbeddedDatasets.PHOTOS + file)) {
            jpeg = in.readAllBytes();
        }
        Image photo = ImageFiles.decode(jpeg, file, ImageLimits.defaults());
        Transform pipeline = PipelineSpec.parse(PipelineSpec.DEFAULT);
        long t0 = System.nanoTime();
        Image first = null;
        for (int k = 0; k < AUGMENTATIONS; k++) {
            Image a = pipeline.apply(photo, seed + k);
            first = k == 0 ? a : first;
        }
        double ms = (System.nanoTime() - t0) / 1e6 / AUGMENTATIONS;
        boolean same = pipeline.apply(photo, seed).equals(first);
        lines.add(String.format(Locale.ROOT, "%s (%dx%d) through %s: %d images of %dx%d, %.1f ms each; the same seed gives the same pixels: %s",
                file, photo.width(), photo.height(), PipelineSpec.DEFAULT, AUGMENTATIONS, first.width(), first.height(), ms, same));
        if (!same) {
            throw new IllegalStateException("a seeded augmentation gave other pixels on a second run");
        }
        Surface sphere = Scenes.named("sphere", RENDER_SIZE, seed);
        List<Light> lights = Lights.ring(RENDER_LIGHTS, seed);
        t0 = System.nanoTime();
        float[][] images = Renderer.renderEach(sphere, lights, RenderOptions.defaults(), seed);
        StereoResult r = PhotometricStereo.solve(images, RENDER_SIZE, RENDER_SIZE, lights, StereoOptions.defaults());
        double stereoMs = (System.nanoTime() - t0) / 1e6;
        double error = PhotometricStereo.meanAngularErrorDegrees(sphere.normals(), r.normals(), sphere.mask());
        lines.add(String.format(Locale.ROOT, "rendered a %dx%d sphere under %d lights (cast shadows, 8 bits) and recovered its normals"
                + " by photometric stereo in %.0f ms: mean angular error %.3f degrees", RENDER_SIZE, RENDER_SIZE, RENDER_LIGHTS, stereoMs, error));
        lines.add("the same from the command line: aiaas vision augment | render | stereo (see aiaas vision --help)");
        return lines;
    }

    static final int CNN_IMAGES = 2000;

    /**
     * Trains the CLI's {@code cnn} ({@code Networks.cnn(1, 28, 28, 10)}: two blocks of two 3x3
     * convolutions with batch norm and ReLU, then max pooling; dense 128 and dense 10) for one epoch on
     * the first {@link #CNN_IMAGES} images of the embedded Fashion-MNIST subset (Adam 1e-3, batch
     * 32) and returns its summary line and test accuracy on the subset's 1,000 test images.
     */
    static List<String> trainCnn(long seed) throws Exception {
        List<String> lines = new ArrayList<>();
        try (TrainTest data = FashionMnist.embedded();
             Dataset train = data.train().subset(java.util.stream.IntStream.range(0, CNN_IMAGES).toArray());
             Model m = TrainCommand.network("cnn", 784, 0, 10, seed)) {
            Trainer trainer = Trainer.builder(Losses.sparseSoftmaxCrossEntropy()).optimizer(Optimizers.adam(1e-3))
                    .epochs(1).batchSize(32).seed(seed).build();
            long t0 = System.nanoTime();
            History h = trainer.fit(m, train);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double accuracy = trainer.evaluate(m, data.test()).get("accuracy");
            lines.add(String.format(Locale.ROOT, "CNN 2x conv 32, 2x conv 64 (3x3, batch norm, ReLU; max pool 2), dense 128, dense 10 "
                    + "(%,d parameters), Adam, batch 32, 1 epoch in %.1f s: loss %.4f, train accuracy %.4f", m.parameterCount(),
                    seconds, h.last("loss"), h.last("accuracy")));
            lines.add(String.format(Locale.ROOT, "cnn test accuracy: %.4f (aiaas train --dataset DIR --model cnn|lenet|resnet "
                    + "trains the networks on full IDX folders)", accuracy));
        }
        return lines;
    }

    /**
     * Builds a 3-gram modified Kneser-Ney model on the embedded Moby-Dick training part (as
     * {@code lmplz -o 3}), and returns its n-gram counts, its perplexity on the test part (as
     * {@code query} prints it, beside KenLM's figure) and 3 sentences sampled with {@code seed}.
     */
    static List<String> languageModel(long seed) throws CommandFailedException {
        List<List<String>> train = Corpora.mobyDickTrain();
        long t0 = System.nanoTime();
        NgramModel lm = LmBuildCommand.build(train, NgramOptions.kenlm(3));
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "trained on chapters 1-120 (%d sentences, %d tokens) in %.1f s: "
                + "%d 1-grams, %d 2-grams, %d 3-grams", train.size(), train.stream().mapToLong(List::size).sum(),
                (System.nanoTime() - t0) / 1e9, lm.ngramCount(1), lm.ngramCount(2), lm.ngramCount(3)));
        List<List<String>> test = Corpora.mobyDickTest();
        lines.add("on chapters 121-135 (" + test.size() + " sentences):");
        for (String l : LmEvalCommand.summary(Perplexity.evaluate(lm, test))) {
            lines.add("  " + l);
        }
        lines.add("  KenLM lmplz gives 243.4205 on the same data (199.8942 excluding OOVs, 842 OOVs)");
        SamplingOptions sampling = new SamplingOptions(0.8, 40, 1.0, 30);
        lines.add("3 sentences sampled with seed " + seed + " (temperature 0.8, top-k 40, at most 30 words):");
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 3; i++) {
            lines.add("  " + String.join(" ", Sampler.sample(lm, sampling, random)));
        }
        return lines;
    }

    /**
     * Multiplies two seeded random 64x96 and 96x32 float32 matrices on the backend and in plain
     * Java (double accumulation), and returns the largest difference.
     */
    static String checkMatrixProduct(long seed) {
        int m = 64, k = 96, n = 32;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] a = new float[m][k];
        float[][] b = new float[k][n];
        for (float[] row : a) {
            for (int j = 0; j < k; j++) {
                row[j] = (float) rnd.nextDouble(-1, 1);
            }
        }
        for (float[] row : b) {
            for (int j = 0; j < n; j++) {
                row[j] = (float) rnd.nextDouble(-1, 1);
            }
        }
        double maxDiff = 0;
        try (INDArray x = Nd4j.createFromArray(a); INDArray y = Nd4j.createFromArray(b); INDArray z = x.mmul(y)) {
            if (z.dataType() != DataType.FLOAT) {
                throw new IllegalStateException("expected a float32 product, got " + z.dataType());
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double ref = 0;
                    for (int p = 0; p < k; p++) {
                        ref += (double) a[i][p] * b[p][j];
                    }
                    maxDiff = Math.max(maxDiff, Math.abs(ref - z.getFloat(i, j)));
                }
            }
        }
        if (maxDiff > 1e-4) {
            throw new IllegalStateException("the backend's matrix product differs from plain Java by " + maxDiff
                    + " (expected at most 1e-4): the native build may not suit this CPU; try -Daiaas.native=linux-x86_64");
        }
        return String.format(Locale.ROOT, "%dx%d by %dx%d float32 product: largest difference from plain Java %.1e", m, k, k, n, maxDiff);
    }
}
