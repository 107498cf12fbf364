package io.condenser.engine.eval;

import java.util.Arrays;

/**
 * A named tensor held in Java arrays, so that the same inputs can be fed to several models and outputs outlive the
 * native session that produced them.
 *
 * @param data float[], double[], long[], int[], byte[] or boolean[], matching {@code type}
 */
public record HostTensor(String name, ElementType type, long[] shape, Object data) {

    /** The element types Condenser feeds and reads through DJL; others are refused before a model runs. */
    public enum ElementType {
        FLOAT32, FLOAT64, INT64, INT32, INT8, UINT8, BOOLEAN;

        public boolean isFloatingPoint() {
            return this == FLOAT32 || this == FLOAT64;
        }
    }

    public HostTensor {
        shape = shape.clone();
    }

    public long elementCount() {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    /**
     * The first {@code count} entries along the first dimension, when that dimension is {@code rows} long; otherwise
     * this tensor (an output without a batch dimension).
     */
    public HostTensor leading(int count, long rows) {
        if (shape.length == 0 || shape[0] != rows || count == rows) {
            return this;
        }
        int length = Math.toIntExact(elementCount() / rows * count);
        long[] newShape = shape.clone();
        newShape[0] = count;
        Object prefix = switch (data) {
            case float[] f -> Arrays.copyOf(f, length);
            case double[] d -> Arrays.copyOf(d, length);
            case long[] l -> Arrays.copyOf(l, length);
            case int[] i -> Arrays.copyOf(i, length);
            case byte[] b -> Arrays.copyOf(b, length);
            case boolean[] b -> Arrays.copyOf(b, length);
            default -> throw new IllegalStateException("unsupported data for " + name);
        };
        return new HostTensor(name, type, newShape, prefix);
    }

    /** The values as doubles; only for floating-point tensors. */
    public double value(int index) {
        return switch (data) {
            case float[] f -> f[index];
            case double[] d -> d[index];
            default -> throw new IllegalStateException(name + " is not a floating-point tensor");
        };
    }
}
