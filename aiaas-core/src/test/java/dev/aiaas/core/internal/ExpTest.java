package dev.aiaas.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The vectorisable exponential against {@link Math#exp}. */
class ExpTest {

    @Test
    void nonPositiveIsWithin1e12OfMathExpFromFloorTo105() {
        int n = 2_100_001;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -105.0 + 210.0 * i / (n - 1); // step 1e-4
        }
        double[] e = x.clone();
        Exp.nonPositive(e, n);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double exact = Math.exp(x[i]);
            worst = Math.max(worst, Math.abs(e[i] - exact) / exact);
        }
        assertTrue(worst <= 1e-12, "largest relative error " + worst);
        double[] special = {0.0, -0.0, -1.0, Math.log(0.5)};
        Exp.nonPositive(special, special.length);
        assertEquals(1.0, special[0], 1e-15);
        assertEquals(1.0, special[1], 1e-15);
        assertEquals(Math.exp(-1), special[2], 1e-15);
        assertEquals(0.5, special[3], 1e-15);
    }

    @Test
    void belowTheFloorGivesEToTheFloorWhichRoundsToZeroInFloat32AndNanStaysNan() {
        double[] x = {-106, -1e6, Double.NEGATIVE_INFINITY, Double.NaN, 5.0};
        Exp.nonPositive(x, 4); // the last element is outside len and stays
        double floor = Math.exp(Exp.FLOOR);
        for (int i = 0; i < 3; i++) {
            assertEquals(floor, x[i], floor * 1e-12, "element " + i);
            assertEquals(0f, (float) x[i], 0f, "float32 rounding of element " + i);
        }
        assertTrue(Double.isNaN(x[3]));
        assertEquals(5.0, x[4], 0.0, "only [0, len) is written");
        double[] big = {200.0, 710.0};
        Exp.nonPositive(big, 2);
        assertEquals(Math.exp(200.0), big[0], Math.exp(200.0) * 1e-8, "beyond 105 the error grows, slowly");
        assertEquals(Double.POSITIVE_INFINITY, big[1], "overflow");
        double[] y = {-3.5, 2.0};
        Exp.exact(y, 2);
        assertEquals(Math.exp(-3.5), y[0], 0.0);
        assertEquals(Math.exp(2.0), y[1], 0.0);
    }
}
