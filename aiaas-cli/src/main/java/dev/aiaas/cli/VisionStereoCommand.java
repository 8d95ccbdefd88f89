package dev.aiaas.cli;

import dev.aiaas.vision.formation.Light;
import dev.aiaas.vision.formation.Lights;
import dev.aiaas.vision.formation.NormalIntegration;
import dev.aiaas.vision.formation.Npy;
import dev.aiaas.vision.formation.PhotometricStereo;
import dev.aiaas.vision.formation.StereoOptions;
import dev.aiaas.vision.formation.StereoResult;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code aiaas vision stereo}: photometric stereo from the command line. Normals and albedo per
 * pixel from three or more images under known directional lights, robust to shadows and
 * highlights; heights by integrating the normals.
 */
@Command(name = "stereo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Recovers per-pixel normals and albedo from 3 or more images of an object under known directional "
                + "lights (photometric stereo; shadows and highlights are discarded per pixel), and heights by integrating "
                + "the normals (least squares, a Poisson solver).",
                "Writes normals.npy (float32 H x W x 3, unit vectors, zeros where no object), albedo.npy and height.npy "
                        + "(float32 H x W), normals.png and albedo.png. The object is the pixels not black in every image. "
                        + "Colour images are read as their luma."},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas vision stereo --lights scene/lights.txt --output out \\",
                "      scene/image-00.png scene/image-01.png scene/image-02.png",
                "  aiaas vision stereo --lights l.txt --output out --black-level 0.03 \\",
                "      a.png b.png c.png d.png"})
final class VisionStereoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--lights", required = true, paramLabel = "LIGHTS",
            description = "One line per image, in the images' order: 'x y z [intensity]', the direction from the surface "
                    + "toward the light (x right, y up, z toward the viewer).")
    Path lightsFile;

    @Option(names = {"--out", "--output"}, required = true, paramLabel = "DIR",
            description = "The folder to write to (created if missing; files in it are replaced).")
    Path output;

    @Option(names = "--black-level", defaultValue = "0", paramLabel = "V",
            description = "Pixels at most V (in [0, 1)) in every image are background; raise it for noisy images, "
                    + "for example 0.03 (default: ${DEFAULT-VALUE}).")
    double blackLevel;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "The images (PNG, JPEG, BMP), all of the same size.")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (!(blackLevel >= 0 && blackLevel < 1)) {
            throw new ParameterException(cl, "--black-level=" + blackLevel + ": expected a value in [0, 1), for example 0.03");
        }
        if (images.size() < 3 || images.size() > PhotometricStereo.MAX_IMAGES) {
            throw new ParameterException(cl, images.size() + " images: photometric stereo needs 3 to " + PhotometricStereo.MAX_IMAGES
                    + " images of the object under different lights");
        }
        CliFiles.requireFile(cl, "--lights", lightsFile);
        for (Path image : images) {
            CliFiles.requireFile(cl, "IMAGE", image);
        }
        VisionFiles.outputFolder(cl, "--out", output);
        List<Light> lights;
        try {
            lights = Lights.read(lightsFile);
        } catch (IOException e) {
            throw new CommandFailedException(AiaasCommand.oneLine(e), e);
        }
        if (lights.size() != images.size()) {
            throw new CommandFailedException(lightsFile + " has " + lights.size() + " lights for " + images.size()
                    + " images: give one light per image, in the same order", null);
        }
        float[][] values = new float[images.size()][];
        int width = 0;
        int height = 0;
        long heap = Runtime.getRuntime().maxMemory();
        for (int k = 0; k < values.length; k++) {
            VisionFiles.Grey g = VisionFiles.readGrey(images.get(k));
            if (k == 0) {
                width = g.width();
                height = g.height();
                long bytes = 4L * width * height * (values.length + 8);
                if (bytes > heap / 2) {
                    throw new CommandFailedException(values.length + " images of " + width + "x" + height + " need "
                            + CliNumbers.describe(bytes) + " of memory, more than half the " + CliNumbers.describe(heap)
                            + " this JVM may use: give fewer or smaller images, or raise -Xmx", null);
                }
            } else if (g.width() != width || g.height() != height) {
                throw new CommandFailedException(images.get(k) + " is " + g.width() + "x" + g.height() + ", " + images.get(0) + " is "
                        + width + "x" + height + ": the images must have the same size", null);
            }
            values[k] = g.values();
        }
        StereoResult r = PhotometricStereo.solve(values, width, height, lights, StereoOptions.defaults().withBlackLevel(blackLevel));
        float[] heights = NormalIntegration.heights(r.normals(), r.mask(), width, height);
        try {
            Npy.writeFloat32(output.resolve("normals.npy"), r.normals(), height, width, 3);
            Npy.writeFloat32(output.resolve("albedo.npy"), r.albedo(), height, width);
            Npy.writeFloat32(output.resolve("height.npy"), heights, height, width);
            VisionFiles.writeNormalsPng(output.resolve("normals.png"), r.normals(), width, height);
            VisionFiles.writeGreyPng(output.resolve("albedo.png"), r.albedo(), width, height);
        } catch (IOException e) {
            throw new CommandFailedException("cannot write to " + output.toAbsolutePath() + ": " + AiaasCommand.oneLine(e), e);
        }
        int foreground = 0;
        long used = 0;
        int underdetermined = 0;
        for (int p = 0; p < r.mask().length; p++) {
            if (r.mask()[p]) {
                foreground++;
                used += r.observations()[p];
                underdetermined += r.observations()[p] < 3 ? 1 : 0;
            }
        }
        PrintWriter out = cl.getOut();
        out.printf(Locale.ROOT, "%d images of %dx%d: %d object pixels, %.1f observations per pixel kept on average%s%n", values.length,
                width, height, foreground, foreground == 0 ? 0.0 : (double) used / foreground,
                underdetermined == 0 ? "" : ", " + underdetermined + " pixels lit in fewer than 3 images (normals guessed)");
        out.printf(Locale.ROOT, "wrote normals.npy, albedo.npy, height.npy, normals.png, albedo.png to %s%n", output);
        out.flush();
        return 0;
    }
}
