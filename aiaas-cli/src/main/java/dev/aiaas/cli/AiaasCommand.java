package dev.aiaas.cli;

import dev.aiaas.core.Versions;
import dev.aiaas.core.backend.Backend;
import dev.aiaas.core.backend.BackendKind;
import dev.aiaas.core.backend.BackendOptions;
import dev.aiaas.core.backend.BackendUnavailableException;
import dev.aiaas.core.backend.Backends;
import dev.aiaas.nlp.lm.ArpaFormatException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code aiaas}: the top-level command and the options every sub-command takes. */
@Command(name = "aiaas", mixinStandardHelpOptions = true, versionProvider = AiaasCommand.Version.class,
        description = "A deep-learning engine for the JVM.",
        subcommands = {InfoCommand.class, QuickstartCommand.class, TrainCommand.class, EvalCommand.class, PredictCommand.class, ExportCommand.class, EmbedCommand.class, ServeCommand.class, LmCommand.class, VisionCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure (the reason is printed on standard error)", "2:bad usage"},
        footerHeading = "%nExamples:%n",
        footer = {"  aiaas quickstart",
                "  aiaas train --csv iris.csv --label species --out iris.aiaas",
                "  aiaas predict --model iris.aiaas --input new.csv --out predictions.csv",
                "  aiaas serve --model iris=iris.aiaas --token-file tokens.txt",
                "  aiaas help train"})
public final class AiaasCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log ND4J's start-up and print stack traces on errors.")
    boolean verbose;

    @Option(names = "--backend", scope = ScopeType.INHERIT, paramLabel = "cpu|cuda|auto",
            description = "Backend to run on; overrides -Daiaas.backend and AIAAS_BACKEND (default: auto).")
    String backend;

    @Option(names = "--threads", scope = ScopeType.INHERIT, paramLabel = "N", split = ",",
            description = "Compute threads (aiaas's own, OpenMP and BLAS), 1 to 1024; overrides AIAAS_THREADS and "
                    + "AIAAS_BLAS_THREADS (default: one per core). 'aiaas bench' takes a list, for example 1,2,4, "
                    + "and prints a row per count.")
    java.util.List<Integer> threadCounts;

    /** The command that takes a list of thread counts. */
    static final String LIST_COMMAND = "bench";

    /**
     * The one {@code --threads} count, or null when not given.
     *
     * @param cl the command line, for a usage error
     * @return the count
     * @throws ParameterException for a list (only {@code aiaas bench} takes one)
     */
    Integer threads(CommandLine cl) {
        if (threadCounts == null || threadCounts.isEmpty()) {
            return null;
        }
        if (threadCounts.size() > 1) {
            throw new ParameterException(cl, "--threads=" + listText() + ": a list of thread counts is for 'aiaas "
                    + LIST_COMMAND + "' only; give one count, for example " + Runtime.getRuntime().availableProcessors());
        }
        return threadCounts.get(0);
    }

    /** The {@code --threads} list as given, for messages. */
    String listText() {
        return threadCounts.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: try 'aiaas quickstart', 'aiaas info', 'aiaas lm' or 'aiaas --help'.");
    }

    /**
     * The backend options from {@code -Daiaas.*}, {@code AIAAS_*} and this command's options, in
     * increasing precedence. A bad value is a usage error (exit code 2).
     */
    BackendOptions backendOptions(CommandLine cl) {
        try {
            BackendOptions o = BackendOptions.fromEnvironment();
            if (backend != null) {
                o = new BackendOptions(BackendKind.parse(backend, "option --backend"), o.threads(), o.blasThreads());
            }
            // aiaas bench runs each count of a list in turn (BenchRunner); it starts at the last one
            Integer threads = threadCounts != null && threadCounts.size() > 1 && LIST_COMMAND.equals(cl.getCommandName())
                    ? threadCounts.get(threadCounts.size() - 1) : threads(cl);
            if (threads != null) {
                for (int t : threadCounts) {
                    if (t < 1 || t > CliNumbers.MAX_THREADS) {
                        throw new ParameterException(cl, "--threads=" + t + ": expected an integer from 1 to "
                                + CliNumbers.MAX_THREADS + " (compute threads), for example "
                                + Runtime.getRuntime().availableProcessors() + " (one per core)");
                    }
                }
                o = o.withThreads(threads, threads);
            }
            return o;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        }
    }

    /** Selects the backend described by the options. */
    Backend selectBackend(CommandLine cl) {
        return Backends.select(backendOptions(cl));
    }

    /** The command line with aiaas's streams, exit codes and error handling. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new AiaasCommand());
        // picocli's own 'help' command has no @Command of ours to carry examples: it gets them here
        examplesIfNone(cl.getSubcommands().get("help"), "  aiaas help", "  aiaas help train");
        cl.setOut(out);
        cl.setErr(err);
        cl.getCommandSpec().exitCodeOnInvalidInput(2);
        cl.getCommandSpec().exitCodeOnExecutionException(1);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("aiaas: " + ex.getMessage());
            if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || !CommandLine.UnmatchedArgumentException.printSuggestions(u, c.getErr())) {
                c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            }
            if (isVerbose(c)) {
                ex.printStackTrace(c.getErr());
            }
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            c.getErr().println("aiaas: error: " + oneLine(ex));
            if (isVerbose(c)) {
                ex.printStackTrace(c.getErr());
            } else if (!saysItAll(ex)) {
                c.getErr().println("(run with --verbose for the stack trace)");
            }
            c.getErr().flush();
            return 1;
        });
        return cl;
    }

    /**
     * Gives a command whose {@code @Command} is not ours (picocli's {@code help}) an examples
     * section at the end of its help, unless it has one.
     */
    private static void examplesIfNone(CommandLine command, String... examples) {
        var usage = command.getCommandSpec().usageMessage();
        if (usage.footer().length == 0) {
            usage.footerHeading("%nExamples:%n").footer(examples);
        }
    }

    /**
     * Whether the exception's message alone tells the user what happened and what to do, so that
     * the hint about {@code --verbose} would be noise.
     */
    private static boolean saysItAll(Exception ex) {
        return ex instanceof BackendUnavailableException || ex instanceof CommandFailedException
                || ex instanceof ArpaFormatException || ex instanceof dev.aiaas.core.io.ModelFormatException;
    }

    private static boolean isVerbose(CommandLine c) {
        CommandLine root = c;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Object cmd = root.getCommand();
        return cmd instanceof AiaasCommand a && a.verbose;
    }

    /** The exception's message on one line, or its class name when it has none. */
    static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return m.replace('\n', ' ').replace('\r', ' ');
    }

    /** Prints the library and ND4J versions. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"aiaas " + Versions.aiaas() + " (ND4J " + Versions.nd4j() + ")"};
        }
    }
}
