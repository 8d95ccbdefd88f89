package dev.aiaas.cli;

import java.io.PrintWriter;

/** Entry point of {@code aiaas.jar}. */
public final class Main {

    private Main() {
    }

    /**
     * Runs the command line and exits with its code (0 success, 1 failure, 2 bad usage).
     *
     * @param args the command and its options, for example {@code train --help}; {@code --verbose}
     *             (or {@code -v}) anywhere also turns on ND4J's start-up logging
     */
    public static void main(String[] args) {
        configureLogging(args);
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line with the given streams and returns the exit code, without exiting the
     * JVM (for tests and embedding).
     *
     * @param args the command and its options, as for {@link #main}
     * @param out  where results and help go
     * @param err  where error messages and usage on bad input go
     * @return 0 on success, 1 on failure, 2 on bad usage
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return AiaasCommand.commandLine(out, err).execute(args);
    }

    /**
     * slf4j-simple reads its settings once, when the first logger is made: warnings only, on
     * standard error, unless {@code --verbose} is given (then ND4J's start-up information too).
     */
    static void configureLogging(String[] args) {
        boolean verbose = false;
        for (String a : args) {
            if (a.equals("--verbose") || a.equals("-v")) {
                verbose = true;
            }
        }
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.showLogName", "false");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
