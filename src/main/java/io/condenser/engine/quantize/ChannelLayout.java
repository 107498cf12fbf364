package io.condenser.engine.quantize;

/**
 * How the elements of a tensor, kept in its own row-major layout, fall into quantization channels: the tensor is seen
 * as [outer][channels][inner], so element {@code i} belongs to channel {@code (i / inner) % channels}. One channel
 * means one scale for the whole tensor.
 */
public record ChannelLayout(int channels, int inner) {

    public static final ChannelLayout WHOLE_TENSOR = new ChannelLayout(1, 1);

    public ChannelLayout {
        if (channels < 1 || inner < 1) {
            throw new IllegalArgumentException("channels and inner size must be positive");
        }
    }

    /** One channel per index of {@code axis}, as DequantizeLinear's {@code axis} attribute describes it. */
    public static ChannelLayout along(long[] dims, int axis) {
        long inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner = Math.multiplyExact(inner, dims[d]);
        }
        return new ChannelLayout(Math.toIntExact(dims[axis]), Math.toIntExact(inner));
    }

    public int channelOf(int index) {
        return (index / inner) % channels;
    }
}
