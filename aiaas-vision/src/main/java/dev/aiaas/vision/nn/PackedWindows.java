package dev.aiaas.vision.nn;

/** The packed path's pooling windows ({@code PackedSteps.windowMean}), for {@link AvgPool2d}. */
final class PackedWindows {
    private PackedWindows() {
    }

    /**
     * The windows of a pooling over {@code [c, H, W]}: output (ch, i, j)'s kH·kW taps at
     * {@code ((ch·H' + i)·W' + j)·kH·kW + u·kW + v}, each the input index {@code (ch·H + y)·W + x}
     * of (y, x) = (ah.at(i, u), aw.at(j, v)), or −1 outside the image.
     */
    static int[] of(int c, Axis ah, Axis aw, int kernelHeight, int kernelWidth) {
        int taps = kernelHeight * kernelWidth;
        int[] index = new int[Math.multiplyExact(c * ah.out() * aw.out(), taps)];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < ah.out(); i++) {
                for (int j = 0; j < aw.out(); j++) {
                    int base = ((ch * ah.out() + i) * aw.out() + j) * taps;
                    for (int u = 0; u < kernelHeight; u++) {
                        int y = ah.at(i, u);
                        for (int v = 0; v < kernelWidth; v++) {
                            int x = aw.at(j, v);
                            boolean inside = y >= 0 && y < ah.in() && x >= 0 && x < aw.in();
                            index[base + u * kernelWidth + v] = inside ? (ch * ah.in() + y) * aw.in() + x : -1;
                        }
                    }
                }
            }
        }
        return index;
    }
}
