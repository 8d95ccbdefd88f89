package dev.aiaas.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code aiaas vision}: images from the command line: {@code augment} writes seeded augmentations
 * of an image file; {@code render} makes images of a synthetic scene under known lights with their
 * ground truth, and {@code stereo} recovers normals and albedo from such images (photometric
 * stereo), the image-formation model's two directions.
 */
@Command(name = "vision", mixinStandardHelpOptions = true,
        description = {"Images: seeded augmentation pipelines on PNG, JPEG and BMP files, and the image-formation model "
                + "(object, shadow, light, reflection, noise).",
                "Frame for render and stereo: x to the right in the image, y up in the image, z toward the viewer; a light is "
                        + "the direction from the surface toward it. Arrays are written as NumPy .npy files (float32)."},
        subcommands = {VisionAugmentCommand.class, VisionRenderCommand.class, VisionStereoCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas vision augment --input dog.jpg --out augmented --count 16 --seed 7",
                "  aiaas vision render --out scene --seed 42 --scene sphere --lights 12",
                "  aiaas vision stereo --lights scene/lights.txt --out out \\",
                "      scene/image-00.png scene/image-01.png scene/image-02.png"})
final class VisionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: try 'aiaas vision augment', 'aiaas vision render', "
                + "'aiaas vision stereo' or 'aiaas vision --help'.");
    }
}
