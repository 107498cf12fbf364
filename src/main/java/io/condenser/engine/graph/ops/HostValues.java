package io.condenser.engine.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.condenser.engine.graph.UnsupportedOpException;

/** Reading the small integer tensors that shape operators take as inputs (shapes, axes, starts) on the host. */
final class HostValues {

    private HostValues() {
    }

    static long[] longs(NDArray array) {
        return array.getDataType() == DataType.INT64 ? array.toLongArray()
                : array.toType(DataType.INT64, false).toLongArray();
    }

    static int[] ints(long[] values) {
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            ints[i] = Math.toIntExact(values[i]);
        }
        return ints;
    }

    /** An axis in [-rank, rank) as a non-negative axis. */
    static int axis(long axis, int rank) {
        if (axis < -rank || axis >= Math.max(rank, 1)) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    static int[] axes(long[] axes, int rank) {
        int[] normalized = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            normalized[i] = axis(axes[i], rank);
        }
        return normalized;
    }

    /** The mean over several axes: DJL's PyTorch mean takes one axis only, its sum takes any number. */
    static NDArray mean(NDArray array, int[] axes, boolean keepDims) {
        long count = 1;
        for (int axis : axes) {
            count *= array.getShape().get(axis);
        }
        return array.sum(axes, keepDims).div(count);
    }

    static float scalar(NDArray array) {
        return array.toType(DataType.FLOAT32, false).toFloatArray()[0];
    }

    /** Refuses a string attribute value outside those the kernel implements. */
    static String oneOf(String value, String attribute, String... supported) {
        for (String candidate : supported) {
            if (candidate.equals(value)) {
                return value;
            }
        }
        throw new UnsupportedOpException(attribute + "=" + value + " is not supported");
    }
}
