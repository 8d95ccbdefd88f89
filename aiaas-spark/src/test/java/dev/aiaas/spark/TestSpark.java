package dev.aiaas.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test JVM (surefire runs every test class of the module in one
 * JVM): local[2], no UI, driver bound to the loopback address, few shuffle partitions.
 */
public final class TestSpark {

  private static SparkSession session;

  private TestSpark() {}

  /**
   * The JavaSparkContext of {@link #session()}.
   *
   * @return the context
   */
  public static JavaSparkContext context() {
    return JavaSparkContext.fromSparkContext(session().sparkContext());
  }

  /**
   * The session, started on first use.
   *
   * @return the session
   */
  public static synchronized SparkSession session() {
    if (session == null) {
      session = SparkSession.builder()
          .master("local[2]")
          .appName("aiaas-spark-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.default.parallelism", "4")
          // the debugger of a task that cannot be serialised needs --add-opens java.base/java.io
          .config("spark.serializer.extraDebugInfo", "false")
          .getOrCreate();
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }
}
