package dev.aiaas.cli;

import dev.aiaas.vision.image.Image;
import dev.aiaas.vision.image.ImageFiles;
import dev.aiaas.vision.image.ImageFormatException;
import dev.aiaas.vision.image.ImageGrid;
import dev.aiaas.vision.transform.PipelineSpec;
import dev.aiaas.vision.transform.PipelineSpecException;
import dev.aiaas.vision.transform.Seeds;
import dev.aiaas.vision.transform.Transform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * {@code aiaas vision augment}: writes {@code --count} augmented versions of one image as PNG
 * files; image {@code k} is transformed with the seed {@code Seeds.mix(seed, k)}, so the same seed
 * gives byte-identical files.
 */
@Command(name = "augment", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes K augmented versions of an image as 8-bit PNG files NAME-0000.png, NAME-0001.png, ... "
                + "(the same --seed gives byte-identical files).",
                "The pipeline is steps separated by commas, each a name and its arguments separated by colons:",
                "  random-resized-crop:224,hflip,jitter:0.4:0.4:0.4:0.1,rotate:15",
                "Steps:"},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas vision augment --input dog.jpg --out augmented --count 16 --seed 7",
                "  aiaas vision augment --input dog.jpg --out augmented --count 8 \\",
                "      --pipeline resize:256,center-crop:224,rotate:20,grayscale:0.5 \\",
                "      --grid augmented/grid.png"})
final class VisionAugmentCommand implements Callable<Integer> {

    /** The most {@code --count}. */
    static final int MAX_COUNT = 100_000;

    CommandSpec spec;

    /**
     * Receives the command's spec and lists the pipeline steps in its help, from
     * {@link PipelineSpec#help()} (one source for the steps and their documentation).
     */
    @Spec
    void spec(CommandSpec commandSpec) {
        this.spec = commandSpec;
        List<String> description = new ArrayList<>(List.of(commandSpec.usageMessage().description()));
        for (String line : PipelineSpec.help()) {
            description.add("  " + line);
        }
        commandSpec.usageMessage().description(description.toArray(new String[0]));
    }

    @Option(names = "--input", required = true, paramLabel = "IMG", description = "The image: PNG, JPEG or BMP; grey, RGB or RGBA; 8 or 16 bits.")
    Path input;

    @Option(names = {"--out", "--output"}, required = true, paramLabel = "DIR", description = "The folder the PNG files go to (created if missing).")
    Path out;

    @Option(names = "--count", defaultValue = "8", paramLabel = "K", description = "How many images, 1.." + MAX_COUNT + " (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the random draws (default: ${DEFAULT-VALUE}, as every command's).")
    long seed;

    @Option(names = "--pipeline", defaultValue = PipelineSpec.DEFAULT, paramLabel = "SPEC",
            description = "The steps (default: ${DEFAULT-VALUE}).")
    String pipeline;

    @Option(names = "--grid", paramLabel = "FILE.png", description = "Also write all the images in one picture (8 per row).")
    Path grid;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (count < 1 || count > MAX_COUNT) {
            throw new ParameterException(cl, "--count must be in 1.." + MAX_COUNT + ", got " + count);
        }
        Transform transform;
        try {
            transform = PipelineSpec.parse(pipeline);
        } catch (PipelineSpecException e) {
            throw new ParameterException(cl, "--pipeline: " + e.getMessage() + " (see 'aiaas vision augment --help' for the steps)");
        }
        CliFiles.requireFile(cl, "--input", input);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ParameterException(cl, "--out: " + out.toAbsolutePath() + " is a file; name a folder");
        }
        if (grid != null) {
            CliFiles.requirePng(cl, "--grid", grid.toAbsolutePath());
        }
        Image image;
        try {
            image = ImageFiles.read(input);
        } catch (ImageFormatException e) {
            throw new CommandFailedException(e.getMessage(), e);
        }
        Files.createDirectories(out);
        String stem = stem(input);
        List<Image> written = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            Image augmented = transform.apply(image, Seeds.mix(seed, k));
            Path file = out.resolve(String.format(Locale.ROOT, "%s-%04d.png", stem, k));
            try {
                ImageFiles.writePng(augmented, file);
            } catch (IOException e) {
                throw new CommandFailedException("cannot write " + file + ": " + e.getMessage(), e);
            }
            if (grid != null) {
                written.add(augmented);
            }
        }
        if (grid != null) {
            ImageFiles.writePng(ImageGrid.of(written, 8, 2, 1f), grid);
        }
        cl.getOut().println("wrote " + count + " images to " + out + " (" + stem + "-0000.png ...), pipeline " + pipeline + ", seed " + seed
                + (grid != null ? "; grid " + grid : ""));
        cl.getOut().flush();
        return 0;
    }

    private static String stem(Path input) {
        String name = input.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String s = dot > 0 ? name.substring(0, dot) : name;
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
