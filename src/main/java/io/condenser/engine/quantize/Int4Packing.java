package io.condenser.engine.quantize;

/**
 * Packing of 4-bit integers as ONNX stores INT4 and UINT4 tensors: two elements per byte, element {@code 2i} in the
 * low nibble of byte {@code i} and element {@code 2i + 1} in its high nibble; an odd count leaves the last high nibble
 * zero.
 */
public final class Int4Packing {

    private Int4Packing() {
    }

    /** Bytes that {@code count} 4-bit elements take. */
    public static int packedLength(int count) {
        return (count + 1) / 2;
    }

    /** @param values one element per byte: -8..7 for INT4, 0..15 for UINT4 (only the low four bits are kept) */
    public static byte[] pack(byte[] values) {
        byte[] packed = new byte[packedLength(values.length)];
        for (int i = 0; i < values.length; i++) {
            int nibble = values[i] & 0x0F;
            packed[i >> 1] |= (byte) ((i & 1) == 0 ? nibble : nibble << 4);
        }
        return packed;
    }

    /** The inverse of {@link #pack}: one element per byte, sign-extended when {@code signed}. */
    public static byte[] unpack(byte[] packed, int count, boolean signed) {
        if (packed.length != packedLength(count)) {
            throw new IllegalArgumentException(packed.length + " bytes do not hold " + count + " 4-bit elements");
        }
        byte[] values = new byte[count];
        for (int i = 0; i < count; i++) {
            int nibble = (i & 1) == 0 ? packed[i >> 1] & 0x0F : (packed[i >> 1] >> 4) & 0x0F;
            values[i] = (byte) (signed && nibble >= 8 ? nibble - 16 : nibble);
        }
        return values;
    }
}
