package dev.aiaas.core.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * The contents of an unsigned-byte IDX file: a shape {@code [d0, d1, ...]} and
 * {@code d0 * d1 * ...} bytes in row-major order (the last index varies fastest). The first
 * dimension counts the items (images, labels); an item is {@link #itemSize()} bytes.
 *
 * <p>Immutable: the constructor and {@link #bytes()} copy. Values are unsigned, 0 to 255; read
 * them with {@link #unsigned(int)}.
 */
public final class IdxData {

    /** The IDX type code of unsigned bytes, the only element type this library reads and writes. */
    public static final int UNSIGNED_BYTE = 0x08;

    private final int[] shape;
    private final byte[] data;

    /**
     * @param shape the dimensions, 1 to 255 of them, each {@code >= 0}
     * @param data  the elements in row-major order; {@code data.length} must be the product of
     *              {@code shape}
     * @throws IllegalArgumentException when the shape is empty or negative or does not match the data
     */
    public IdxData(int[] shape, byte[] data) {
        this(shape.clone(), data.clone(), true);
    }

    private IdxData(int[] shape, byte[] data, boolean validate) {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        if (shape.length < 1 || shape.length > 255) {
            throw new IllegalArgumentException("IDX shape has " + shape.length
                    + " dimensions; expected 1 to 255. Pass at least the item count, e.g. new int[] {n}");
        }
        long product = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("IDX shape " + Arrays.toString(shape) + " has dimension " + i
                        + " = " + shape[i] + "; expected sizes >= 0");
            }
            product *= shape[i];
        }
        if (product != data.length) {
            throw new IllegalArgumentException("IDX shape " + Arrays.toString(shape) + " holds " + product
                    + " elements but data has " + data.length + " bytes; pass data of exactly the shape's size");
        }
        this.shape = shape;
        this.data = data;
    }

    /** Wraps arrays this package made and will not touch again (no copy). */
    static IdxData wrap(int[] shape, byte[] data) {
        return new IdxData(shape, data, true);
    }

    /** {@return the number of dimensions, 1 to 255} */
    public int rank() {
        return shape.length;
    }

    /**
     * Dimension {@code i} (0-based).
     *
     * @param i the dimension, from 0 to {@code rank() - 1}
     * @return its size
     */
    public int dim(int i) {
        return shape[i];
    }

    /** {@return a copy of the shape} */
    public int[] shape() {
        return shape.clone();
    }

    /** {@return the number of items: dimension 0} */
    public int count() {
        return shape[0];
    }

    /** {@return bytes per item: the product of dimensions 1 and up (1 for a rank-1 file such as labels)} */
    public int itemSize() {
        int s = 1;
        for (int i = 1; i < shape.length; i++) {
            s *= shape[i];
        }
        return s;
    }

    /** {@return the total number of elements: the product of all dimensions} */
    public int length() {
        return data.length;
    }

    /**
     * Element {@code index} (row-major) as an unsigned value, 0 to 255.
     *
     * @param index the element, from 0 to {@code length() - 1}
     * @return its value, 0 to 255
     */
    public int unsigned(int index) {
        return data[index] & 0xFF;
    }

    /** {@return a copy of the elements, row-major, as raw (signed Java) bytes} */
    public byte[] bytes() {
        return data.clone();
    }

    /** The elements without a copy, for readers in this package that do not modify them. */
    byte[] raw() {
        return data;
    }

    /**
     * The items at {@code indices}, in that order, as a new {@code IdxData} of shape
     * {@code [indices.length, d1, d2, ...]}.
     *
     * @param indices the items to take, each in {@code [0, count())}; repeats allowed
     * @return the selected items
     * @throws IllegalArgumentException when an index is outside {@code [0, count())}
     */
    public IdxData select(int[] indices) {
        int item = itemSize();
        byte[] out = new byte[Math.multiplyExact(indices.length, item)];
        for (int i = 0; i < indices.length; i++) {
            int idx = indices[i];
            if (idx < 0 || idx >= count()) {
                throw new IllegalArgumentException("indices[" + i + "] = " + idx + " is outside [0, " + count()
                        + "); pass item indices of this " + count() + "-item array");
            }
            System.arraycopy(data, idx * item, out, i * item, item);
        }
        int[] s = shape.clone();
        s[0] = indices.length;
        return new IdxData(s, out, true);
    }

    /** Equal when shapes and elements are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof IdxData other && Arrays.equals(shape, other.shape) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    /** The shape, for example {@code IdxData[60000, 28, 28]}. */
    @Override
    public String toString() {
        return "IdxData" + Arrays.toString(shape);
    }
}
