package io.condenser.engine.quantize;

import java.nio.FloatBuffer;

/**
 * Linear (affine) quantization of weights, the arithmetic of ONNX's QuantizeLinear: {@code q = clamp(round(x / scale)
 * + zeroPoint)} with round-half-to-even. Reads the source once per pass through a buffer view, so a weight is never
 * copied as floats.
 */
public final class LinearQuantizer {

    private LinearQuantizer() {
    }

    public static QuantizedTensor quantizeMatrix(FloatBuffer source, int rows, int columns, boolean transposed,
                                                 WeightType type, boolean perChannel) {
        return quantizeMatrix(source, rows, columns, transposed, type, perChannel, false);
    }

    /**
     * Quantizes the matrix B[K][N] of a product A·B, per output column when {@code perChannel}.
     *
     * @param source      the values, row-major [K][N], or [N][K] when {@code transposed} (Gemm's transB)
     * @param transposed  whether the source holds Bᵀ; the result is always laid out [K][N]
     * @param reduceRange use the 7-bit range of the type (see {@link WeightType#min(boolean)})
     */
    public static QuantizedTensor quantizeMatrix(FloatBuffer source, int rows, int columns, boolean transposed,
                                                 WeightType type, boolean perChannel, boolean reduceRange) {
        long elements = (long) rows * columns;
        if (elements != source.remaining()) {
            throw new IllegalArgumentException("matrix " + rows + "x" + columns + " does not match "
                    + source.remaining() + " values");
        }
        int channels = perChannel ? columns : 1;
        float[] min = new float[channels];
        float[] max = new float[channels];
        for (int i = 0; i < elements; i++) {
            int channel = perChannel ? columnOf(i, rows, columns, transposed) : 0;
            float value = source.get(i);
            min[channel] = Math.min(min[channel], value);
            max[channel] = Math.max(max[channel], value);
        }
        float[] scales = new float[channels];
        byte[] zeroPoints = new byte[channels];
        for (int c = 0; c < channels; c++) {
            chooseParameters(min[c], max[c], type, reduceRange, scales, zeroPoints, c);
        }
        byte[] values = new byte[Math.toIntExact(elements)];
        for (int i = 0; i < elements; i++) {
            int column = columnOf(i, rows, columns, transposed);
            int row = transposed ? i % rows : i / columns;
            int channel = perChannel ? column : 0;
            values[row * columns + column] = quantize(source.get(i), scales[channel], zeroPoints[channel], type,
                    reduceRange);
        }
        return new QuantizedTensor(type, values, scales, zeroPoints);
    }

    /** Quantizes a whole tensor with one scale and zero point. */
    public static QuantizedTensor quantizeTensor(FloatBuffer source, WeightType type) {
        return quantizeMatrix(source, source.remaining(), 1, false, type, false);
    }

    /**
     * Quantizes a tensor in its own layout with one scale and zero point per channel of {@code layout}: the form
     * DequantizeLinear with an {@code axis} reads.
     */
    public static QuantizedTensor quantizeChannels(FloatBuffer source, ChannelLayout layout, WeightType type,
                                                   boolean reduceRange) {
        float[] min = new float[layout.channels()];
        float[] max = new float[layout.channels()];
        int elements = source.remaining();
        for (int i = 0; i < elements; i++) {
            int channel = layout.channelOf(i);
            float value = source.get(i);
            min[channel] = Math.min(min[channel], value);
            max[channel] = Math.max(max[channel], value);
        }
        float[] scales = new float[layout.channels()];
        byte[] zeroPoints = new byte[layout.channels()];
        for (int c = 0; c < scales.length; c++) {
            chooseParameters(min[c], max[c], type, reduceRange, scales, zeroPoints, c);
        }
        return quantizeChannels(source, layout, scales, zeroPoints, type, reduceRange);
    }

    /** Quantizes with parameters chosen by the caller, e.g. scales raised so that a dependent bias fits its type. */
    public static QuantizedTensor quantizeChannels(FloatBuffer source, ChannelLayout layout, float[] scales,
                                                   byte[] zeroPoints, WeightType type, boolean reduceRange) {
        byte[] values = new byte[source.remaining()];
        for (int i = 0; i < values.length; i++) {
            int channel = layout.channelOf(i);
            values[i] = quantize(source.get(i), scales[channel], zeroPoints[channel], type, reduceRange);
        }
        return new QuantizedTensor(type, values, scales.clone(), zeroPoints.clone());
    }

    private static int columnOf(int index, int rows, int columns, boolean transposed) {
        return transposed ? index / rows : index % columns;
    }

    /** Symmetric types map ±max|x| to ±max; asymmetric ones map [min(0, x), max(0, x)] onto the whole range. */
    private static void chooseParameters(float min, float max, WeightType type, boolean reduceRange, float[] scales,
                                         byte[] zeroPoints, int channel) {
        int qmin = type.min(reduceRange);
        int qmax = type.max(reduceRange);
        float scale;
        int zeroPoint;
        if (type.symmetric()) {
            float absMax = Math.max(Math.abs(min), Math.abs(max));
            scale = absMax / qmax;
            zeroPoint = 0;
        } else {
            scale = (max - min) / (qmax - qmin);
            zeroPoint = scale == 0 ? 0 : (int) Math.clamp(Math.rint(qmin - min / scale), qmin, qmax);
        }
        scales[channel] = scale == 0 || !Float.isFinite(scale) ? 1.0f : scale;
        zeroPoints[channel] = (byte) zeroPoint;
    }

    private static byte quantize(float value, float scale, byte zeroPoint, WeightType type, boolean reduceRange) {
        int zero = type.symmetric() ? zeroPoint : zeroPoint & 0xFF;
        double q = Math.rint(value / scale) + zero;
        return (byte) (int) Math.clamp(q, type.min(reduceRange), type.max(reduceRange));
    }
}
