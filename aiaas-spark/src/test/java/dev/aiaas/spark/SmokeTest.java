package dev.aiaas.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class SmokeTest {
  @Test
  void nd4jInsideSparkTasks() {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    List<Double> sums = sc.parallelize(List.of(1, 2, 3, 4), 2)
        .map(i -> Nd4j.ones(i).sumNumber().doubleValue()).collect();
    assertEquals(List.of(1.0, 2.0, 3.0, 4.0), sums);
  }
}
