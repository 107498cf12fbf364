package io.condenser.engine.quantize;

import io.condenser.engine.quantize.TernaryOptions.Levels;
import java.nio.FloatBuffer;
import java.util.function.IntUnaryOperator;

/**
 * Encodes a weight as codes in {−1, 0, +1} (ternary) or {−1, +1} (binary) with one scale α per channel or per
 * layer: DequantizeLinear restores {@code code · α}.
 */
public final class TernaryEncoder {

    /** Δ = 0.7·mean|W|, the threshold TWN derives for Gaussian-like weights. */
    static final double THRESHOLD_FACTOR = 0.7;

    private TernaryEncoder() {
    }

    /**
     * @param source      the weight, row-major in its dims
     * @param channelAxis the axis of output channels; used when per channel
     * @param type        a signed storage type (INT4 or INT8)
     */
    public static EncodedWeight encode(FloatBuffer source, long[] dims, int channelAxis, TernaryOptions options,
                                       StorageType type) {
        int count = source.remaining();
        int groups = options.perChannel() ? Math.toIntExact(dims[channelAxis]) : 1;
        int stride = 1;
        for (int d = channelAxis + 1; d < dims.length; d++) {
            stride *= Math.toIntExact(dims[d]);
        }
        int groupStride = stride;
        IntUnaryOperator groupOf = options.perChannel() ? i -> (i / groupStride) % groups : i -> 0;

        double[] absSum = new double[groups];
        int[] members = new int[groups];
        for (int i = 0; i < count; i++) {
            int g = groupOf.applyAsInt(i);
            absSum[g] += Math.abs(source.get(i));
            members[g]++;
        }
        float[] thresholds = new float[groups];
        double[] aboveSum = new double[groups];
        int[] above = new int[groups];
        for (int g = 0; g < groups; g++) {
            boolean ternary = options.levels() == Levels.TERNARY;
            thresholds[g] = ternary ? (float) (THRESHOLD_FACTOR * absSum[g] / members[g]) : 0;
        }
        for (int i = 0; i < count; i++) {
            int g = groupOf.applyAsInt(i);
            float magnitude = Math.abs(source.get(i));
            if (options.levels() == Levels.BINARY || magnitude > thresholds[g]) {
                aboveSum[g] += magnitude;
                above[g]++;
            }
        }
        float[] scales = new float[groups];
        for (int g = 0; g < groups; g++) {
            scales[g] = above[g] == 0 ? 0 : (float) (aboveSum[g] / above[g]);
        }
        byte[] codes = new byte[count];
        for (int i = 0; i < count; i++) {
            int g = groupOf.applyAsInt(i);
            codes[i] = code(source.get(i), thresholds[g], scales[g], options.levels());
        }
        for (int g = 0; g < groups; g++) {
            // A group of zeros has α = 0: its codes are 0, and DequantizeLinear still gets a usable scale.
            scales[g] = scales[g] == 0 ? 1.0f : scales[g];
        }
        return options.perChannel()
                ? new EncodedWeight(type, dims, codes, new long[] {groups}, scales, null, channelAxis, 0)
                : new EncodedWeight(type, dims, codes, new long[0], scales, null, -1, 0);
    }

    private static byte code(float value, float threshold, float scale, Levels levels) {
        if (scale == 0) {
            return 0;
        }
        if (levels == Levels.BINARY) {
            return (byte) (value >= 0 ? 1 : -1);
        }
        return (byte) (value > threshold ? 1 : value < -threshold ? -1 : 0);
    }
}
