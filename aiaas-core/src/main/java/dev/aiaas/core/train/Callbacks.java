package dev.aiaas.core.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import dev.aiaas.core.io.ModelIO;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The catalogue of callbacks. */
public final class Callbacks {
    private Callbacks() {
    }

    /**
     * Stops when {@code monitor} has not improved by more than {@code minDelta} for
     * {@code patience} epochs, as Keras's {@code EarlyStopping} counts them: after each epoch
     * without improvement a counter goes up by one (an improvement resets it to 0), and training
     * stops at the end of the epoch where it reaches {@code patience} (never after the first
     * epoch). With patience 2 and losses 1.0, 0.8, 0.9, 0.85 it stops after the fourth epoch.
     * With {@code restoreBest}, puts back the parameters of the best epoch when training ends.
     * Values whose name contains {@code acc} or {@code auc} improve upwards, others downwards.
     *
     * @param monitor     a logged value, for example {@code val_loss}
     * @param patience    epochs without improvement to wait, {@code >= 0}
     * @param minDelta    the least change that counts as an improvement, {@code >= 0}
     * @param restoreBest whether to restore the best epoch's parameters at the end
     * @return the callback
     */
    public static Callback earlyStopping(String monitor, int patience, double minDelta, boolean restoreBest) {
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be >= 0. Received: patience=" + patience);
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("minDelta must be >= 0. Received: minDelta=" + minDelta);
        }
        return new EarlyStopping(monitor, patience, minDelta, restoreBest);
    }

    /** The provenance key under which {@link #checkpoint} stores the number of epochs completed. */
    public static final String EPOCH_KEY = "epoch";

    /**
     * Saves a resumable checkpoint ({@link ModelIO#saveCheckpoint}: the model, the optimiser, its
     * state and the step, with the epochs completed under the provenance key {@value #EPOCH_KEY})
     * to {@code file} at the end of every {@code everyEpochs}-th epoch, replacing the previous one
     * atomically ({@link dev.aiaas.core.io.AtomicFiles}: a save killed halfway leaves the previous
     * checkpoint intact, and its temporary file is removed by the next save). Resume with
     * {@code trainer.resume(ModelIO.loadCheckpoint(file), x, y)}.
     *
     * @param file        the checkpoint file
     * @param everyEpochs save after every this many epochs, {@code >= 1}
     * @return the callback
     * @throws IllegalArgumentException when {@code everyEpochs} &lt; 1
     */
    public static Callback checkpoint(Path file, int everyEpochs) {
        if (file == null) {
            throw new NullPointerException("file must not be null");
        }
        if (everyEpochs < 1) {
            throw new IllegalArgumentException("everyEpochs must be a positive integer. Received: everyEpochs=" + everyEpochs);
        }
        return new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
                int done = epoch + 1;
                if (done % everyEpochs != 0) {
                    return;
                }
                try {
                    ModelIO.saveCheckpoint(context.model(), context.optimizer(), context.optimizerState(), context.step(),
                            Map.of(EPOCH_KEY, Integer.toString(done)), file);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the checkpoint " + file + " after epoch " + done + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /**
     * Throws {@link DivergenceException} as soon as a batch's loss is NaN or infinite, after the
     * step. The trainer does this itself by default, before the step
     * ({@link Trainer.Builder#stopOnDivergence}); this callback is for a trainer built with that
     * turned off that should still stop, or for a loop of one's own.
     *
     * @return the callback
     */
    public static Callback terminateOnNaN() {
        return new Callback() {
            @Override
            public void onBatchEnd(long step, double loss, TrainingContext context) {
                if (!Double.isFinite(loss)) {
                    long perEpoch = Math.max(1, context.stepsPerEpoch());
                    throw new DivergenceException((int) Math.min(Integer.MAX_VALUE, (step - 1) / perEpoch + 1), step, loss);
                }
            }
        };
    }

    /**
     * Multiplies the learning rate by {@code factor} when {@code monitor} has not improved for
     * {@code patience} epochs, never below {@code minFactor} of the base rate; counted as Keras's
     * {@code ReduceLROnPlateau} counts (no cool-down): the rate drops at the end of the epoch
     * where the epochs without improvement reach {@code patience}, and the count starts again.
     *
     * @param monitor   a logged value, for example {@code val_loss}
     * @param factor    in (0, 1)
     * @param patience  epochs without improvement to wait, {@code >= 0}
     * @param minFactor the lowest factor on the base rate
     * @return the callback
     */
    public static Callback reduceLearningRateOnPlateau(String monitor, double factor, int patience, double minFactor) {
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("factor must be in (0, 1). Received: factor=" + factor);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be >= 0. Received: patience=" + patience);
        }
        return new Callback() {
            private final Tracker tracker = new Tracker(monitor, 0);

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
                if (!tracker.update(logs) && tracker.wait >= patience) {
                    context.setLearningRateFactor(Math.max(minFactor, context.learningRateFactor() * factor));
                    tracker.wait = 0;
                }
            }
        };
    }

    /**
     * Prints progress to {@code out}: on a terminal, a bar redrawn during each epoch with the
     * running loss and the time left; elsewhere (logs, CI) one line per epoch.
     *
     * @param out where to print
     * @return the callback
     */
    public static Callback progress(PrintStream out) {
        return progress(new PrintWriter(out, true));
    }

    /**
     * {@link #progress(PrintStream)} on a writer.
     *
     * @param out where to print
     * @return the callback
     */
    public static Callback progress(PrintWriter out) {
        return new Progress(out, System.console() != null);
    }

    /**
     * {@link #progress(PrintStream)} on standard output.
     *
     * @return the callback
     */
    public static Callback progress() {
        return progress(System.out);
    }

    /**
     * Appends one CSV row per epoch ({@code epoch,} then the logs' names) to {@code file}, written as it goes.
     *
     * @param file the CSV file, replaced
     * @return the callback
     */
    public static Callback csvLogger(Path file) {
        return new Callback() {
            private BufferedWriter w;
            private List<String> columns;

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
                try {
                    if (w == null) {
                        w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                        columns = new ArrayList<>(logs.keySet());
                        w.write("epoch," + String.join(",", columns));
                        w.newLine();
                    }
                    StringBuilder sb = new StringBuilder().append(epoch + 1);
                    for (String c : columns) {
                        sb.append(',').append(logs.getOrDefault(c, Double.NaN));
                    }
                    w.write(sb.toString());
                    w.newLine();
                    w.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the training log " + file + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void onTrainEnd(History history, TrainingContext context) {
                if (w != null) {
                    try {
                        w.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot close the training log " + file, e);
                    }
                }
            }
        };
    }

    static String format(Map<String, Double> logs) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            if (sb.length() > 0) {
                sb.append("  ");
            }
            double v = e.getValue();
            sb.append(e.getKey()).append(' ').append(e.getKey().equals("lr")
                    ? String.format(Locale.ROOT, "%.2e", v) : String.format(Locale.ROOT, "%.4f", v));
        }
        return sb.toString();
    }

    /** Tracks the best value of a monitored quantity. */
    static final class Tracker {
        final String monitor;
        final double minDelta;
        final boolean maximise;
        double best;
        int bestEpoch = -1;
        int wait;
        int epoch = -1;

        Tracker(String monitor, double minDelta) {
            if (monitor == null || monitor.isBlank()) {
                throw new IllegalArgumentException("monitor must name a logged value such as val_loss or loss");
            }
            this.monitor = monitor;
            this.minDelta = minDelta;
            this.maximise = monitor.contains("acc") || monitor.contains("auc");
            this.best = maximise ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }

        /** Returns whether this epoch improved. */
        boolean update(Map<String, Double> logs) {
            epoch++;
            Double v = logs.get(monitor);
            if (v == null) {
                throw new IllegalArgumentException("the monitored value '" + monitor + "' is not logged; logged: " + logs.keySet()
                        + " (val_ values need a validation split or set)");
            }
            boolean better = maximise ? v > best + minDelta : v < best - minDelta;
            if (better) {
                best = v;
                bestEpoch = epoch;
                wait = 0;
            } else {
                wait++;
            }
            return better;
        }
    }

    private static final class EarlyStopping implements Callback {
        private final Tracker tracker;
        private final int patience;
        private final boolean restoreBest;
        private INDArray bestParams;

        EarlyStopping(String monitor, int patience, double minDelta, boolean restoreBest) {
            this.tracker = new Tracker(monitor, minDelta);
            this.patience = patience;
            this.restoreBest = restoreBest;
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
            if (tracker.update(logs)) {
                if (restoreBest) {
                    if (bestParams == null) {
                        bestParams = context.model().parameters().dup();
                    } else {
                        bestParams.assign(context.model().parameters());
                    }
                }
            } else if (tracker.wait >= patience && epoch > 0) {
                context.requestStop();
            }
        }

        @Override
        public void onTrainEnd(History history, TrainingContext context) {
            if (context.stopRequested()) {
                history.stopReason("early stopping: " + tracker.monitor + " did not improve for " + tracker.wait
                        + " epochs; best " + String.format(Locale.ROOT, "%.4f", tracker.best) + " at epoch " + (tracker.bestEpoch + 1)
                        + (restoreBest && bestParams != null ? " (its parameters restored)" : ""));
            }
            if (bestParams != null) {
                context.model().parameters().assign(bestParams);
                bestParams.close();
                bestParams = null;
            }
        }
    }

    private static final class Progress implements Callback {
        private final PrintWriter out;
        private final boolean terminal;
        private long epochStart;
        private double lossSum;
        private long batches;
        private int epoch;

        Progress(PrintWriter out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        @Override
        public void onEpochBegin(int epoch, TrainingContext context) {
            this.epoch = epoch;
            epochStart = System.nanoTime();
            lossSum = 0;
            batches = 0;
        }

        @Override
        public void onBatchEnd(long step, double loss, TrainingContext context) {
            lossSum += loss;
            batches++;
            long total = context.stepsPerEpoch();
            if (!terminal || (batches % Math.max(1, total / 50) != 0 && batches != total)) {
                return;
            }
            double elapsed = (System.nanoTime() - epochStart) / 1e9;
            double eta = elapsed / batches * (total - batches);
            int width = 30;
            int done = (int) (width * batches / total);
            out.printf(Locale.ROOT, "\repoch %d/%d [%s%s] %d/%d  loss %.4f  ETA %.1fs ", epoch + 1, context.epochs(),
                    "=".repeat(done), " ".repeat(width - done), batches, total, lossSum / batches, eta);
            out.flush();
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingContext context) {
            double elapsed = (System.nanoTime() - epochStart) / 1e9;
            out.printf(Locale.ROOT, "%sepoch %d/%d  %.1fs  %s%n", terminal ? "\r" : "", epoch + 1, context.epochs(), elapsed, format(logs));
            out.flush();
        }
    }
}
