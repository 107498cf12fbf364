package io.condenser.engine.quantize;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Linear quantization of a matrix in blocks along one axis, the arithmetic of DequantizeLinear-21's
 * {@code block_size}: every run of {@code blockSize} elements along the axis (the last run may be shorter) gets its
 * own scale, and zero point when asymmetric. Block size 0 gives one scale per channel: per column of the other axis.
 * Signed storage is symmetric ({@code q = round(w / s)}, |q| ≤ 2^(bits-1) - 1, zero point omitted); unsigned storage
 * is asymmetric over [min(0, w), max(0, w)] of the block, so that 0 stays exact. Rounding is half to even, as in
 * QuantizeLinear.
 */
public final class BlockQuantizer {

    private BlockQuantizer() {
    }

    /**
     * @param source    the matrix, row-major [dims[0]][dims[1]]
     * @param axis      the axis blocks run along: the reduction axis of the product
     * @param blockSize elements per block, or 0 for one block per channel
     */
    public static EncodedWeight quantize(FloatBuffer source, long[] dims, int axis, int blockSize, StorageType type) {
        if (dims.length != 2 || (long) dims[0] * dims[1] != source.remaining()) {
            throw new IllegalArgumentException("a matrix of dims " + Arrays.toString(dims)
                    + " does not hold " + source.remaining() + " values");
        }
        int rows = Math.toIntExact(dims[0]);
        int columns = Math.toIntExact(dims[1]);
        int length = axis == 0 ? rows : columns;
        int block = blockSize == 0 ? length : blockSize;
        int blocks = (length + block - 1) / block;
        Layout layout = new Layout(columns, axis, block, blocks);
        int parameters = (axis == 0 ? columns : rows) * blocks;

        float[] min = new float[parameters];
        float[] max = new float[parameters];
        for (int i = 0; i < rows * columns; i++) {
            int p = layout.parameter(i);
            min[p] = Math.min(min[p], source.get(i));
            max[p] = Math.max(max[p], source.get(i));
        }
        float[] scales = new float[parameters];
        byte[] zeroPoints = type.signed() ? null : new byte[parameters];
        for (int p = 0; p < parameters; p++) {
            scales[p] = type.signed() ? symmetricScale(min[p], max[p], type) : asymmetricScale(min[p], max[p], type);
            if (zeroPoints != null) {
                zeroPoints[p] = (byte) Math.clamp(Math.rint(-Math.min(min[p], 0) / scales[p]), 0, type.max());
            }
        }
        int low = type.signed() ? -type.max() : 0;
        byte[] values = new byte[rows * columns];
        for (int i = 0; i < values.length; i++) {
            int p = layout.parameter(i);
            int zero = zeroPoints == null ? 0 : zeroPoints[p] & 0xFF;
            values[i] = (byte) Math.clamp(Math.rint(source.get(i) / scales[p]) + zero, low, type.max());
        }
        if (blockSize == 0) {
            return new EncodedWeight(type, dims, values, new long[] {parameters}, scales, zeroPoints, 1 - axis, 0);
        }
        long[] scaleDims = dims.clone();
        scaleDims[axis] = blocks;
        return new EncodedWeight(type, dims, values, scaleDims, scales, zeroPoints, axis, block);
    }

    private static float symmetricScale(float min, float max, StorageType type) {
        return usable(Math.max(-min, max) / type.max());
    }

    private static float asymmetricScale(float min, float max, StorageType type) {
        return usable((Math.max(max, 0) - Math.min(min, 0)) / type.max());
    }

    /** An all-zero block gets scale 1: any scale restores zeros, and DequantizeLinear needs a finite one. */
    private static float usable(float scale) {
        return scale == 0 || !Float.isFinite(scale) ? 1.0f : scale;
    }

    /**
     * Where the parameters of element i sit: scales are laid out like the matrix with the blocked axis shortened to
     * its block count ([blocks][columns] for axis 0, [rows][blocks] for axis 1), which is also the per-channel order
     * when there is one block.
     */
    private record Layout(int columns, int axis, int block, int blocks) {
        int parameter(int element) {
            int row = element / columns;
            int column = element % columns;
            return axis == 0 ? (row / block) * columns + column : row * blocks + column / block;
        }
    }
}
