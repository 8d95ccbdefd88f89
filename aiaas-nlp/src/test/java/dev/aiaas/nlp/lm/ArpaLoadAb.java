package dev.aiaas.nlp.lm;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Compares two builds' ARPA loading in one JVM (a program, not a test): {@code java -cp
 * aiaas-nlp/target/test-classes dev.aiaas.nlp.lm.ArpaLoadAb FILE ROUNDS CLASSPATH_A CLASSPATH_B}
 * loads {@code NgramModel} from each class path in its own class loader and reads FILE with one and
 * then the other, ROUNDS times, so both run in the same minutes, JIT and heap. Prints, for each, the
 * least and the median wall time and the least CPU time of the loading thread (which a busy machine
 * disturbs less than the wall time), in milliseconds.
 */
public final class ArpaLoadAb {

  private ArpaLoadAb() {}

  /**
   * Runs the comparison.
   *
   * @param args the ARPA file, the rounds, and two class paths ({@code :}-separated)
   * @throws Exception if a class path does not hold {@code NgramModel} or the file cannot be read
   */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int rounds = Integer.parseInt(args[1]);
    Method[] read = {readArpa(args[2]), readArpa(args[3])};
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[][] wall = new double[2][rounds];
    double[][] cpu = new double[2][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < 2; k++) {
        int which = (r % 2 == 0) ? k : 1 - k; // ABBA
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        Object model = read[which].invoke(null, file);
        wall[which][r] = (System.nanoTime() - t0) / 1e6;
        cpu[which][r] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
        if (model == null) {
          throw new AssertionError("no model");
        }
      }
    }
    for (int k = 0; k < 2; k++) {
      double[] w = wall[k].clone();
      double[] c = cpu[k].clone();
      Arrays.sort(w);
      Arrays.sort(c);
      System.out.printf(Locale.ROOT, "%s %s: wall min %.0f ms, median %.0f ms; thread CPU min %.0f ms, median %.0f ms%n",
          k == 0 ? "A" : "B", file.getFileName(), w[0], w[rounds / 2], c[0], c[rounds / 2]);
    }
  }

  private static Method readArpa(String classPath) throws Exception {
    String[] parts = classPath.split(File.pathSeparator);
    URL[] urls = new URL[parts.length];
    for (int i = 0; i < parts.length; i++) {
      urls[i] = Path.of(parts[i]).toUri().toURL();
    }
    ClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
    return Class.forName("dev.aiaas.nlp.lm.NgramModel", true, loader).getMethod("readArpa", Path.class);
  }
}
