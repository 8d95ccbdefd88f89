package dev.aiaas.nlp.lm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures how long {@link NgramModel#readArpa(Path)} takes (a program, not a test): {@code java
 * -cp CLASSES dev.aiaas.nlp.lm.ArpaLoadSpeed FILE ROUNDS} loads FILE ROUNDS times and prints each
 * time, the minimum and the median, in milliseconds, and the least process CPU time of a load (all
 * threads: the collector's and the compiler's too), steadier than the wall time on a busy machine. It uses only the public API, so the same class
 * runs against an older jar ({@code -cp harness:/work/baseline-main/aiaas.jar}) for a before/after
 * comparison; alternate the two, several times, and compare the minima.
 */
public final class ArpaLoadSpeed {

  private ArpaLoadSpeed() {}

  /**
   * Runs the measurement.
   *
   * @param args the ARPA file (plain or gzip-compressed) and the number of rounds
   * @throws IOException if the file cannot be read
   */
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int rounds = Integer.parseInt(args[1]);
    double[] ms = new double[rounds];
    double[] cpu = new double[rounds];
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long sink = 0;
    for (int r = 0; r < rounds; r++) {
      long c0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      NgramModel m = NgramModel.readArpa(file);
      ms[r] = (System.nanoTime() - t0) / 1e6;
      cpu[r] = (os.getProcessCpuTime() - c0) / 1e6;
      sink += m.ngramCount(m.order());
    }
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    double[] sortedCpu = cpu.clone();
    Arrays.sort(sortedCpu);
    StringBuilder each = new StringBuilder();
    for (double t : ms) {
      each.append(String.format(Locale.ROOT, " %.0f", t));
    }
    System.out.printf(Locale.ROOT, "%s: min %.0f ms, median %.0f ms (process CPU: min %.0f ms); each:%s (sink %d)%n",
        file.getFileName(), sorted[0], sorted[rounds / 2], sortedCpu[0], each, sink);
  }
}
