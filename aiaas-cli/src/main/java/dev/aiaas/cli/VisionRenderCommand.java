package dev.aiaas.cli;

import dev.aiaas.vision.formation.Light;
import dev.aiaas.vision.formation.Lights;
import dev.aiaas.vision.formation.Npy;
import dev.aiaas.vision.formation.RenderOptions;
import dev.aiaas.vision.formation.Renderer;
import dev.aiaas.vision.formation.Scenes;
import dev.aiaas.vision.formation.SensorNoise;
import dev.aiaas.vision.formation.Specular;
import dev.aiaas.vision.formation.Surface;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code aiaas vision render}: images of a synthetic scene, one per light, with the lights file
 * and the ground truth (normals, albedo, heights) for checking {@code aiaas vision stereo}.
 */
@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Renders a synthetic scene under N directional lights: one 8-bit grey PNG per light "
                + "(image-00.png, ...), lights.txt (one line 'x y z intensity' per image), and the ground truth: "
                + "normals.npy (float32 H x W x 3, zeros off the object), albedo.npy and height.npy (float32 H x W, "
                + "pixel units), with normals.png and albedo.png to look at.",
                "I = albedo * sum(E * max(0, n.l) * visibility) + specular + sensor noise, quantised to 8 bits; "
                        + "cast shadows by marching the height map toward each light."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas vision render --output scene --seed 42",
                "  aiaas vision render --output bumps --scene bumps --lights 16 --size 256",
                "  aiaas vision render --output shiny --specular 0.4 --iso 800"})
final class VisionRenderCommand implements Callable<Integer> {

    /** The largest {@code --size}. */
    static final int MAX_SIZE = 2048;
    /** The most {@code --lights}. */
    static final int MAX_LIGHTS = 256;

    @Spec
    CommandSpec spec;

    @Option(names = {"--out", "--output"}, required = true, paramLabel = "DIR",
            description = "The folder to write to (created if missing; files in it are replaced).")
    Path output;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "Seed of the lights, of the bumps scene and of the noise (default: ${DEFAULT-VALUE}, as every command's).")
    long seed;

    @Option(names = "--scene", defaultValue = "sphere", paramLabel = "sphere|bumps|vase",
            description = "What to render: a sphere, a plane with Gaussian bumps (which cast shadows) on a checkerboard "
                    + "albedo, or a vase (default: ${DEFAULT-VALUE}).")
    String scene;

    @Option(names = "--lights", defaultValue = "12", paramLabel = "N",
            description = "Lights (images), 3 to " + MAX_LIGHTS + ", around the view axis at elevations 35 to 65 degrees (default: ${DEFAULT-VALUE}).")
    int lights;

    @Option(names = "--size", defaultValue = "128", paramLabel = "PX",
            description = "Image side in pixels, " + Scenes.MIN_SIZE + " to " + MAX_SIZE + " (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--specular", defaultValue = "0", paramLabel = "K",
            description = "Blinn-Phong highlight strength, 0 to 10, exponent 40 (default: ${DEFAULT-VALUE}: matte).")
    double specular;

    @Option(names = "--iso", defaultValue = "0", paramLabel = "ISO",
            description = "Sensor noise (Poisson-Gaussian) of a sensor at this ISO, 50 to 409600; 0 for none (default: ${DEFAULT-VALUE}).")
    double iso;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        CliNumbers.range(cl, "--lights", lights, 3, MAX_LIGHTS, "lights, one image each");
        CliNumbers.range(cl, "--size", size, Scenes.MIN_SIZE, MAX_SIZE, "image side in pixels");
        if (!Scenes.NAMES.contains(scene)) {
            throw new ParameterException(cl, "--scene=" + scene + ": expected one of " + String.join(", ", Scenes.NAMES));
        }
        if (!(specular >= 0 && specular <= 10)) {
            throw new ParameterException(cl, "--specular=" + specular + ": expected a highlight strength from 0 to 10, for example 0.4");
        }
        if (!(iso == 0 || iso >= 50 && iso <= 409_600)) {
            throw new ParameterException(cl, "--iso=" + iso + ": expected 0 (no noise) or an ISO setting from 50 to 409600, for example 800");
        }
        VisionFiles.outputFolder(cl, "--out", output);
        Surface surface = Scenes.named(scene, size, seed);
        List<Light> set = Lights.ring(lights, seed);
        RenderOptions options = RenderOptions.defaults()
                .withSpecular(specular > 0 ? Specular.blinnPhong(specular, 40) : Specular.none())
                .withNoise(iso > 0 ? SensorNoise.atIso(iso) : SensorNoise.none());
        float[][] images = Renderer.renderEach(surface, set, options, seed);
        try {
            int digits = Math.max(2, String.valueOf(lights - 1).length());
            for (int k = 0; k < images.length; k++) {
                VisionFiles.writeGreyPng(output.resolve(String.format(Locale.ROOT, "image-%0" + digits + "d.png", k)), images[k], size, size);
            }
            Lights.write(output.resolve("lights.txt"), set);
            Npy.writeFloat32(output.resolve("normals.npy"), surface.normals(), size, size, 3);
            Npy.writeFloat32(output.resolve("albedo.npy"), surface.albedo(), size, size);
            Npy.writeFloat32(output.resolve("height.npy"), surface.heights(), size, size);
            VisionFiles.writeNormalsPng(output.resolve("normals.png"), surface.normals(), size, size);
            VisionFiles.writeGreyPng(output.resolve("albedo.png"), surface.albedo(), size, size);
        } catch (IOException e) {
            throw new CommandFailedException("cannot write to " + output.toAbsolutePath() + ": " + AiaasCommand.oneLine(e), e);
        }
        PrintWriter out = cl.getOut();
        out.printf(Locale.ROOT, "rendered %s (%dx%d) under %d lights (seed %d%s%s) to %s:%n", scene, size, size, lights, seed,
                specular > 0 ? ", specular " + specular : "", iso > 0 ? ", ISO " + iso : "", output);
        out.printf(Locale.ROOT, "  image-%s.png .. (one per light), lights.txt, normals.npy, albedo.npy, height.npy, normals.png, albedo.png%n",
                "0".repeat(Math.max(2, String.valueOf(lights - 1).length())));
        out.flush();
        return 0;
    }
}
