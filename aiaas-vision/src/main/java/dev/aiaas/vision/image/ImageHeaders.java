package dev.aiaas.vision.image;

/**
 * Reads the size and layout of a PNG or JPEG from its first bytes, in Java, so that the sizes are
 * checked against {@link ImageLimits} before a native decoder sees the file, and so that only the
 * layouts whose decoded samples the OpenCV path gives exactly as the ImageIO path does go to it.
 * Every read is bounds-checked; a header this class cannot follow gives {@code null} (the ImageIO
 * path then decodes the file or refuses it with its own message).
 */
final class ImageHeaders {

    /**
     * A header.
     *
     * @param format   "PNG" or "JPEG"
     * @param width    columns, as declared
     * @param height   rows, as declared
     * @param channels the channels both paths decode to (1 grey, 3 RGB, 4 RGBA)
     * @param bits     8 or 16 bits per sample
     * @param openCv   whether the OpenCV path decodes this layout as the ImageIO path does (else ImageIO decodes it)
     */
    record Header(String format, int width, int height, int channels, int bits, boolean openCv) {
    }

    private ImageHeaders() {
    }

    /**
     * The header of a PNG or JPEG.
     *
     * @param b the encoded bytes
     * @return the header, or null if the bytes are neither a PNG nor a JPEG whose header can be followed
     */
    static Header read(byte[] b) {
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == '\r' && b[5] == '\n' && b[6] == 0x1a && b[7] == '\n') {
            return png(b);
        }
        if (b.length >= 4 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return jpeg(b);
        }
        return null;
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static long u32(byte[] b, int at) {
        return ((long) (b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    /** PNG: IHDR first; then the chunks before the first IDAT, looking for tRNS (transparency that ImageIO turns into alpha). */
    private static Header png(byte[] b) {
        if (b.length < 8 + 8 + 13 || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R' || u32(b, 8) != 13) {
            return null;
        }
        long w = u32(b, 16);
        long h = u32(b, 20);
        if (w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
            return null;
        }
        int depth = b[24] & 0xff;
        int type = b[25] & 0xff;
        int channels = switch (type) {
            case 0 -> 1;
            case 2 -> 3;
            case 6 -> 4;
            default -> 0; // palette (3) and grey + alpha (4): ImageIO's conversions, not OpenCV's
        };
        boolean openCv = channels > 0 && (depth == 8 || depth == 16);
        long at = 8 + 8 + 13 + 4;
        while (openCv && at + 8 <= b.length) {
            long len = u32(b, (int) at);
            int t = (int) at + 4;
            if (b[t] == 't' && b[t + 1] == 'R' && b[t + 2] == 'N' && b[t + 3] == 'S') {
                openCv = false;
            }
            if (b[t] == 'I' && b[t + 1] == 'D' && b[t + 2] == 'A' && b[t + 3] == 'T') {
                break;
            }
            at += 12 + len;
        }
        return new Header("PNG", (int) w, (int) h, Math.max(channels, 1), depth == 16 ? 16 : 8, openCv);
    }

    /**
     * JPEG: the markers up to the first start-of-frame. The OpenCV path takes baseline, extended and
     * progressive Huffman frames of 8-bit samples, grey or YCbCr (3 components with ids 1, 2, 3 or
     * 0, 1, 2 and no Adobe marker), the layouts libjpeg-turbo and ImageIO read as the same colours;
     * CMYK, YCCK, RGB-coded, 12-bit, lossless and arithmetic-coded files go to ImageIO.
     */
    private static Header jpeg(byte[] b) {
        int at = 2;
        boolean adobe = false;
        while (at + 4 <= b.length) {
            if ((b[at] & 0xff) != 0xff) {
                return null;
            }
            int m = b[at + 1] & 0xff;
            if (m == 0xff) {
                at++; // fill byte
                continue;
            }
            if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
                at += 2;
                continue;
            }
            if (m == 0xd8 || m == 0xd9 || m == 0xda) {
                return null; // no frame header before the scan or the end
            }
            int len = u16(b, at + 2);
            if (len < 2 || at + 2 + len > b.length) {
                return null;
            }
            int seg = at + 4;
            if (m == 0xee && len >= 14 && b[seg] == 'A' && b[seg + 1] == 'd' && b[seg + 2] == 'o' && b[seg + 3] == 'b' && b[seg + 4] == 'e') {
                adobe = true;
            }
            boolean sof = m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
            if (sof) {
                if (len < 8) {
                    return null;
                }
                int precision = b[seg] & 0xff;
                int h = u16(b, seg + 1);
                int w = u16(b, seg + 3);
                int comps = b[seg + 5] & 0xff;
                if (len < 8 + 3 * comps) {
                    return null;
                }
                boolean huffman8 = (m == 0xc0 || m == 0xc1 || m == 0xc2) && precision == 8;
                boolean layout;
                if (comps == 1) {
                    layout = true;
                } else if (comps == 3 && !adobe) {
                    int i0 = b[seg + 6] & 0xff;
                    int i1 = b[seg + 9] & 0xff;
                    int i2 = b[seg + 12] & 0xff;
                    layout = (i0 == 1 && i1 == 2 && i2 == 3) || (i0 == 0 && i1 == 1 && i2 == 2);
                } else {
                    layout = false;
                }
                return new Header("JPEG", w, h, comps == 1 ? 1 : 3, 8, huffman8 && layout);
            }
            at += 2 + len;
        }
        return null;
    }
}
