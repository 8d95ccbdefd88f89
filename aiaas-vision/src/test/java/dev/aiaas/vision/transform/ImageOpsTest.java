package dev.aiaas.vision.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aiaas.vision.image.Image;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operations on tiny images whose answers are worked out by hand. */
class ImageOpsTest {

    static Image row(float... v) {
        return Image.of(1, 1, v.length, v);
    }

    @Test
    void resizeOfARowByHand() {
        Image in = row(0f, 1f, 2f, 3f);
        // nearest, 4 -> 2: floor(i * 2) = 0, 2
        assertArrayEquals(new float[] {0f, 2f}, ImageOps.resize(in, 1, 2, Interpolation.NEAREST).toChw());
        // bilinear, 4 -> 2: source 2i + 0.5 → (0+1)/2, (2+3)/2
        assertArrayEquals(new float[] {0.5f, 2.5f}, ImageOps.resize(in, 1, 2, Interpolation.BILINEAR).toChw());
        // area, 4 -> 2: means of pairs; 4 -> 3: [0,2) [1,3) [2,4)
        assertArrayEquals(new float[] {0.5f, 2.5f}, ImageOps.resize(in, 1, 2, Interpolation.AREA).toChw());
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f}, ImageOps.resize(in, 1, 3, Interpolation.AREA).toChw());
        // bilinear 2 -> 4: source (i + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (edge repeated)
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, ImageOps.resize(row(0f, 1f), 1, 4, Interpolation.BILINEAR).toChw(), 1e-6f);
        // antialiased 4 -> 2 (PIL's window): output 0 centred at 1, window [(int) -0.5, (int) 3.5) = [0, 3),
        // triangle weights 1 - |j - 1 + 0.5| / 2 = 3/4, 3/4, 1/4, normalised; output 1 window [1, 4): 1/4, 3/4, 3/4
        float[] aa = ImageOps.resize(in, 1, 2, Interpolation.BILINEAR_ANTIALIAS).toChw();
        assertArrayEquals(new float[] {(0 * 0.75f + 1 * 0.75f + 2 * 0.25f) / 1.75f, (1 * 0.25f + 2 * 0.75f + 3 * 0.75f) / 1.75f}, aa, 1e-6f);
        // bicubic 8 -> 16 of a ramp, output 6: source 0.5 * 6.5 - 0.5 = 2.75, taps 1..4 at t = 0.75 with
        // Keys' weights (a = -0.75) -0.03515625, 0.26171875, 0.87890625, -0.10546875 (worked out by hand;
        // a = -0.75 does not reproduce linear functions, so not 2.75)
        float[] bc = ImageOps.resize(row(0, 1, 2, 3, 4, 5, 6, 7), 1, 16, Interpolation.BICUBIC).toChw();
        assertEquals(-0.03515625f * 1 + 0.26171875f * 2 + 0.87890625f * 3 - 0.10546875f * 4, bc[6], 1e-6f);
    }

    @Test
    void cropsFlipsAndPadsByHand() {
        Image in = Image.of(1, 2, 3, new float[] {1, 2, 3, 4, 5, 6});
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, ImageOps.horizontalFlip(in).toChw());
        assertArrayEquals(new float[] {4, 5, 6, 1, 2, 3}, ImageOps.verticalFlip(in).toChw());
        assertArrayEquals(new float[] {5, 6, 0, 0}, ImageOps.crop(in, 1, 1, 2, 2).toChw());
        assertArrayEquals(new float[] {2, 5}, ImageOps.centerCrop(in, 2, 1).toChw());
        // reflect: dcb|abcd|cba; symmetric: cba|abcd|dcb; edge: aaa|abcd|ddd
        Image r = row(1, 2, 3, 4);
        assertArrayEquals(new float[] {3, 2, 1, 2, 3, 4, 3, 2}, ImageOps.pad(r, 2, 0, 2, 0, PadMode.REFLECT, 0).toChw());
        assertArrayEquals(new float[] {2, 1, 1, 2, 3, 4, 4, 3}, ImageOps.pad(r, 2, 0, 2, 0, PadMode.SYMMETRIC, 0).toChw());
        assertArrayEquals(new float[] {1, 1, 1, 2, 3, 4, 4, 4}, ImageOps.pad(r, 2, 0, 2, 0, PadMode.EDGE, 0).toChw());
        assertArrayEquals(new float[] {9, 1, 2, 3, 4, 9}, ImageOps.pad(r, 1, 0, 1, 0, PadMode.CONSTANT, 9).toChw());
        // torchvision's center_crop offset: round((in - out) / 2) with ties to even; negative when padding
        assertEquals(0, ImageOps.centerOffset(5, 4));
        assertEquals(2, ImageOps.centerOffset(7, 2));
        assertEquals(-1, ImageOps.centerOffset(4, 7));
    }

    @Test
    void aQuarterTurnMovesPixelsAndBoxes() {
        // 2 x 2, rotated 90 degrees counter-clockwise: top-right goes to top-left
        Image in = Image.of(1, 2, 2, new float[] {1, 2, 3, 4});
        assertArrayEquals(new float[] {2, 4, 1, 3}, ImageOps.rotate(in, 90, Interpolation.NEAREST, 0).toChw(), 1e-6f);
        assertArrayEquals(new float[] {2, 4, 1, 3}, ImageOps.rotate(in, 90, Interpolation.BILINEAR, 0).toChw(), 1e-6f);
        Sample s = new Sample(Image.filled(1, 4, 6, 0f), List.of(new Box(4, 0, 6, 1)), null);
        Box b = Transforms.rotation(180, 180, Interpolation.NEAREST, 0).apply(s, 0).boxes().get(0);
        assertEquals(new Box(0, 3, 2, 4), new Box(Math.rint(b.x1() * 1e9) / 1e9, Math.rint(b.y1() * 1e9) / 1e9,
                Math.rint(b.x2() * 1e9) / 1e9, Math.rint(b.y2() * 1e9) / 1e9));
    }

    @Test
    void colourOperationsByHand() {
        Image rgb = Image.of(3, 1, 2, new float[] {1f, 0.2f, 0f, 0.4f, 0f, 0.6f});
        // brightness 2: doubled, clamped
        assertArrayEquals(new float[] {1f, 0.4f, 0f, 0.8f, 0f, 1f}, ImageOps.adjustBrightness(rgb, 2).toChw(), 1e-6f);
        // grey: 0.2989 R + 0.587 G + 0.114 B
        float l0 = 0.2989f;
        float l1 = 0.2989f * 0.2f + 0.587f * 0.4f + 0.114f * 0.6f;
        assertArrayEquals(new float[] {l0, l1}, ImageOps.grayscale(rgb, 1).toChw(), 1e-6f);
        // saturation 0 is grey in 3 channels
        assertArrayEquals(new float[] {l0, l1, l0, l1, l0, l1}, ImageOps.adjustSaturation(rgb, 0).toChw(), 1e-6f);
        // contrast 0 is the mean grey everywhere
        float mean = (l0 + l1) / 2;
        assertArrayEquals(new float[] {mean, mean, mean, mean, mean, mean}, ImageOps.adjustContrast(rgb, 0).toChw(), 1e-6f);
        // a hue turn of 1/3 maps pure red to pure green
        Image red = Image.of(3, 1, 1, new float[] {1f, 0f, 0f});
        assertArrayEquals(new float[] {0f, 1f, 0f}, ImageOps.adjustHue(red, 1.0 / 3).toChw(), 1e-5f);
        assertArrayEquals(new float[] {0f, 0f, 1f}, ImageOps.adjustHue(red, -1.0 / 3).toChw(), 1e-5f);
        assertArrayEquals(new float[] {0f, 0.8f, 1f, 0.6f, 1f, 0.4f}, ImageOps.invert(rgb).toChw(), 1e-6f);
        assertArrayEquals(new float[] {0f, 0.2f, 0f, 0.4f, 0f, 0.4f}, ImageOps.solarize(rgb, 0.5).toChw(), 1e-6f);
        // posterize to 1 bit: levels >= 128 become 128
        assertArrayEquals(new float[] {128 / 255f, 0f}, ImageOps.posterize(row(1f, 0.4f), 1).toChw(), 1e-6f);
        assertArrayEquals(new float[] {0f, 0.5f, 1f}, ImageOps.autocontrast(row(0.2f, 0.4f, 0.6f)).toChw(), 1e-6f);
        assertArrayEquals(new float[] {-1f, 1f}, ImageOps.normalize(row(0.25f, 0.75f), new float[] {0.5f}, new float[] {0.25f}).toChw(), 1e-6f);
        // a 3-tap blur of an impulse: the normalised Gaussian weights at -1, 0, 1
        float[] g = ImageOps.gaussianBlur(row(0, 0, 1, 0, 0), 3, 1, 1.0, 1.0).toChw();
        double e = Math.exp(-0.5);
        assertArrayEquals(new float[] {0, (float) (e / (1 + 2 * e)), (float) (1 / (1 + 2 * e)), (float) (e / (1 + 2 * e)), 0}, g, 1e-6f);
        assertArrayEquals(new float[] {1, 1, 0, 0}, ImageOps.erase(row(1, 1, 1, 1), 0, 2, 1, 5, 0f).toChw());
    }

    @Test
    void equalizeSpreadsTheLevels() {
        // levels 0,0,1,1,2,2,3,3 (of 255): equalized to 0, 0, 85?.. as torchvision's lut: step = (8 - 2) / 255 = 0 → unchanged
        Image flat = row(0, 0, 1 / 255f, 1 / 255f);
        assertArrayEquals(flat.toChw(), ImageOps.equalize(flat).toChw(), 1e-7f);
        float[] v = new float[1020];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i < 510 ? 10 : 20) / 255f;
        }
        float[] out = ImageOps.equalize(Image.of(1, 1, v.length, v)).toChw();
        // step = 510 / 255 = 2; lut[10] = (0 + 1) / 2 = 0, lut[20] = (510 + 1) / 2 = 255
        assertEquals(0f, out[0]);
        assertEquals(1f, out[1019]);
    }

    @Test
    void badArgumentsAreRefused() {
        Image in = row(0.5f);
        assertThrows(IllegalArgumentException.class, () -> ImageOps.resize(in, 0, 1, Interpolation.BILINEAR));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.adjustBrightness(in, -1));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.adjustHue(in, 0.6));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.gaussianBlur(in, 2, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.gaussianBlur(in, 3, 3, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.normalize(Image.filled(3, 1, 1, 0), new float[] {0, 0}, new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.normalize(in, new float[] {0}, new float[] {0}));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.pad(in, -1, 0, 0, 0, PadMode.CONSTANT, 0));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.rotate(in, 10, Interpolation.BICUBIC, 0));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.affine(in, 0, 0, 0, 0, 0, 0, Interpolation.BILINEAR, 0));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.posterize(in, 0));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.grayscale(in, 2));
        assertThrows(IllegalArgumentException.class, () -> Transforms.compose());
        assertThrows(IllegalArgumentException.class, () -> Transforms.randomResizedCrop(8, 8, 0, 1, 0.75, 1.33, Interpolation.BILINEAR));
        assertThrows(IllegalArgumentException.class, () -> Transforms.rotation(10, -10, Interpolation.BILINEAR, 0));
        assertThrows(IllegalArgumentException.class, () -> new Box(2, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Sample(in, List.of(), Image.filled(1, 2, 2, 0)));
    }
}
