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

    /** The values as doubles; only for floating-point tensors. */
    public double value(int index) {
        return switch (data) {
            case float[] f -> f[index];
            case double[] d -> d[index];
            default -> throw new IllegalStateException(name + " is not a floating-point tensor");
        };
    }
}
