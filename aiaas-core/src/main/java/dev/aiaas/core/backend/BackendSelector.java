package dev.aiaas.core.backend;

import java.util.function.Consumer;
import java.util.function.Supplier;

/** The selection rules, apart from the process-wide state in {@link Backends}. */
final class BackendSelector {

    private final Nd4jBoot boot;
    private final Supplier<CudaStatus> cuda;
    private final Consumer<String> warning;
    private Backend selected;

    BackendSelector(Nd4jBoot boot, Supplier<CudaStatus> cuda, Consumer<String> warning) {
        this.boot = boot;
        this.cuda = cuda;
        this.warning = warning;
    }

    synchronized Backend selected() {
        return selected;
    }

    synchronized Backend select(BackendOptions options) {
        BackendKind requested = options.backend();
        if (selected != null) {
            if (requested != BackendKind.AUTO && requested != selected.kind()) {
                throw tooLate(requested, selected.kind(), "it was selected before");
            }
            boot.applyThreads(options.threads(), options.blasThreads());
            return selected;
        }
        BackendKind wanted;
        String note;
        switch (requested) {
            case CPU -> {
                wanted = BackendKind.CPU;
                note = "requested";
            }
            case CUDA -> {
                CudaStatus status = cuda.get();
                if (!status.usable()) {
                    throw new BackendUnavailableException(BackendKind.CUDA, status.reason(), status.fix());
                }
                wanted = BackendKind.CUDA;
                note = "requested";
            }
            default -> {
                CudaStatus status = cuda.get();
                if (status.usable()) {
                    wanted = BackendKind.CUDA;
                    note = "auto: CUDA is usable";
                } else {
                    wanted = BackendKind.CPU;
                    note = "auto: " + (status.onClassPath() ? "CUDA not usable (" + status.reason() + ")" : "no CUDA backend on the class path");
                    if (status.onClassPath()) {
                        warning.accept("The CUDA backend is on the class path but cannot be used, so aiaas runs on the CPU: "
                                + status.reason() + ". Fix: " + status.fix());
                    }
                }
            }
        }
        BackendKind active = boot.initialise(wanted);
        if (active != wanted) {
            if (requested != BackendKind.AUTO) {
                throw tooLate(requested, active, "ND4J was initialised before aiaas selected a backend (a tensor was created first)");
            }
            note = "auto: ND4J was already initialised on " + active.configName();
        }
        boot.applyThreads(options.threads(), options.blasThreads());
        selected = new Backend(active, requested, note);
        return selected;
    }

    private static IllegalStateException tooLate(BackendKind requested, BackendKind active, String why) {
        return new IllegalStateException("Cannot switch to the " + requested.configName() + " backend: this process already runs on "
                + active.configName() + " (" + why + "), and tensors belong to the backend that made them. "
                + "Choose the backend once, before the first tensor: Backends.select(BackendOptions.of(BackendKind."
                + requested.name() + ")) at start-up, -D" + BackendOptions.BACKEND_PROPERTY + "=" + requested.configName()
                + ", or " + BackendOptions.BACKEND_ENV + "=" + requested.configName() + ".");
    }
}
