package io.condenser.engine.quantize;

/**
 * A weight stored as integers with the parameters DequantizeLinear needs to restore it:
 * {@code w = (q - zeroPoint) * scale}, with one scale for the tensor, one per channel along {@code axis}, or one per
 * block of {@code blockSize} elements along {@code axis}.
 *
 * @param values     one element per byte, in the weight's own layout
 * @param scaleDims  [] for one scale, [channels] per channel, or the weight's dims with dims[axis] divided into blocks
 * @param zeroPoints null when the encoding is symmetric (the zero point is 0 and is omitted)
 * @param axis       the channel axis (per channel) or the blocked axis; -1 for one scale per tensor
 * @param blockSize  elements per block along {@code axis}; 0 when not block-wise
 */
public record EncodedWeight(StorageType type, long[] dims, byte[] values, long[] scaleDims, float[] scales,
                            byte[] zeroPoints, int axis, int blockSize) {

    public EncodedWeight {
        dims = dims.clone();
        scaleDims = scaleDims.clone();
    }

    /** The bits the encoded weight takes in the file: values, scales (32-bit) and zero points. */
    public long storageBits() {
        long bits = (long) values.length * type.bits() + 32L * scales.length;
        return zeroPoints == null ? bits : bits + (long) zeroPoints.length * type.bits();
    }

    /** The values as DequantizeLinear restores them, in the weight's layout; for checks and tests. */
    public float[] dequantize() {
        float[] result = new float[values.length];
        int[] strides = strides(dims);
        int[] scaleStrides = strides(toInts(scaleDims));
        for (int i = 0; i < values.length; i++) {
            int parameter = parameterIndex(i, strides, scaleStrides);
            int zero = zeroPoints == null ? 0 : signedOrNot(zeroPoints[parameter]);
            result[i] = (signedOrNot(values[i]) - zero) * scales[parameter];
        }
        return result;
    }

    private int parameterIndex(int element, int[] strides, int[] scaleStrides) {
        if (scaleDims.length == 0) {
            return 0;
        }
        if (blockSize == 0) {
            return (element / strides[axis]) % (int) dims[axis];
        }
        int index = 0;
        int remainder = element;
        for (int d = 0; d < dims.length; d++) {
            int coordinate = remainder / strides[d];
            remainder %= strides[d];
            index += (d == axis ? coordinate / blockSize : coordinate) * scaleStrides[d];
        }
        return index;
    }

    private int signedOrNot(byte value) {
        return type.signed() ? value : value & 0xFF;
    }

    private static int[] toInts(long[] dims) {
        int[] result = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            result[i] = Math.toIntExact(dims[i]);
        }
        return result;
    }

    private static int[] strides(long[] dims) {
        return strides(toInts(dims));
    }

    private static int[] strides(int[] dims) {
        int[] strides = new int[dims.length];
        int stride = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= dims[d];
        }
        return strides;
    }
}
