package dev.aiaas.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code aiaas info}: selects the backend and prints what runs. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Selects the backend and reports it: backend, devices and memory, the native build loaded "
                + "against what the CPU supports, the BLAS vendor and thread counts; and the image decoder "
                + "(OpenCV when it loads, else ImageIO; -Daiaas.image.decoder=auto|imageio|opencv).",
                "The backend comes from --backend, -Daiaas.backend or AIAAS_BACKEND (cpu, cuda, auto; default auto)."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas info",
                "  aiaas info --backend cpu --threads 2",
                "  AIAAS_BACKEND=cuda aiaas info"})
final class InfoCommand implements Callable<Integer> {

    @ParentCommand
    AiaasCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var backend = parent.selectBackend(spec.commandLine());
        spec.commandLine().getOut().print(backend.report().toText());
        spec.commandLine().getOut().println("image decoder: " + dev.aiaas.vision.image.ImageDecoders.report());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
