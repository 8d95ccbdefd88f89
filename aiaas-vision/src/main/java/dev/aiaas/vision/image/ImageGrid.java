package dev.aiaas.vision.image;

import java.util.List;
import java.util.Objects;

/**
 * A grid of images in one picture, to look at a batch: row-major cells of the largest image's size,
 * each image at its cell's top left, {@code padding} pixels of {@code background} between cells and
 * around the grid. Grey images are drawn as RGB in a grid of colour images; alpha is dropped.
 */
public final class ImageGrid {

    private ImageGrid() {
    }

    /**
     * Lays the images out in a grid.
     *
     * @param images     at least one image
     * @param columns    cells per row, at least 1 (fewer when there are fewer images)
     * @param padding    pixels between cells and around the grid, 0 to 1024
     * @param background the value of the padding and of empty cells, in [0, 1]
     * @return the grid: grey (1 channel) when every image is grey, else RGB
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static Image of(List<Image> images, int columns, int padding, float background) {
        Objects.requireNonNull(images, "images");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("images is empty: expected at least one image");
        }
        if (columns < 1) {
            throw new IllegalArgumentException("columns=" + columns + ": expected at least 1");
        }
        if (padding < 0 || padding > 1024) {
            throw new IllegalArgumentException("padding=" + padding + ": expected 0 to 1024 pixels");
        }
        if (!(background >= 0f && background <= 1f)) {
            throw new IllegalArgumentException("background=" + background + ": expected a value in [0, 1]");
        }
        int cellH = 0;
        int cellW = 0;
        boolean colour = false;
        for (Image im : images) {
            cellH = Math.max(cellH, im.height());
            cellW = Math.max(cellW, im.width());
            colour |= im.channels() >= 3;
        }
        int cols = Math.min(columns, images.size());
        int rows = (images.size() + cols - 1) / cols;
        int h = Math.toIntExact((long) rows * cellH + (long) (rows + 1) * padding);
        int w = Math.toIntExact((long) cols * cellW + (long) (cols + 1) * padding);
        int c = colour ? 3 : 1;
        ImageBuffer buffer = new ImageBuffer(c, h, w);
        float[] out = buffer.data();
        java.util.Arrays.fill(out, background);
        for (int i = 0; i < images.size(); i++) {
            Image im = images.get(i);
            float[] s = im.samples();
            int top = padding + (i / cols) * (cellH + padding);
            int left = padding + (i % cols) * (cellW + padding);
            for (int ch = 0; ch < c; ch++) {
                int src = im.channels() >= 3 ? ch : 0;
                for (int y = 0; y < im.height(); y++) {
                    System.arraycopy(s, (src * im.height() + y) * im.width(), out, (ch * h + top + y) * w + left, im.width());
                }
            }
        }
        return buffer.toImage();
    }
}
