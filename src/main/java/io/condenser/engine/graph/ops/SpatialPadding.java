package io.condenser.engine.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.condenser.engine.graph.OnnxNode;
import java.util.Arrays;

/**
 * The padding of Conv and the pooling operators: explicit {@code pads} (begin values of every spatial axis, then end
 * values) or {@code auto_pad}, which derives them from the input size at run time.
 */
final class SpatialPadding {

    private final String autoPad;
    private final long[] pads;

    private SpatialPadding(String autoPad, long[] pads) {
        this.autoPad = autoPad;
        this.pads = pads;
    }

    static SpatialPadding of(OnnxNode node) {
        String autoPad = HostValues.oneOf(node.stringAttribute("auto_pad", "NOTSET"), "auto_pad", "NOTSET",
                "SAME_UPPER", "SAME_LOWER", "VALID");
        return new SpatialPadding(autoPad, node.intsAttribute("pads", null));
    }

    /**
     * Begin and end padding of each spatial axis for an input of {@code spatial} sizes.
     *
     * @return [begin of axis 0, ..., begin of axis n-1, end of axis 0, ..., end of axis n-1]
     */
    long[] resolve(long[] spatial, long[] kernel, long[] strides, long[] dilations) {
        int n = spatial.length;
        long[] resolved = new long[2 * n];
        switch (autoPad) {
            case "NOTSET" -> {
                if (pads != null) {
                    System.arraycopy(pads, 0, resolved, 0, 2 * n);
                }
            }
            case "VALID" -> {
            }
            default -> {
                for (int d = 0; d < n; d++) {
                    long output = Math.ceilDiv(spatial[d], strides[d]);
                    long extent = (kernel[d] - 1) * dilations[d] + 1;
                    long total = Math.max(0, (output - 1) * strides[d] + extent - spatial[d]);
                    long smaller = total / 2;
                    resolved[d] = autoPad.equals("SAME_UPPER") ? smaller : total - smaller;
                    resolved[n + d] = total - resolved[d];
                }
            }
        }
        return resolved;
    }

    static boolean symmetric(long[] resolved) {
        int n = resolved.length / 2;
        for (int d = 0; d < n; d++) {
            if (resolved[d] != resolved[n + d]) {
                return false;
            }
        }
        return true;
    }

    static Shape begins(long[] resolved) {
        long[] begins = new long[resolved.length / 2];
        System.arraycopy(resolved, 0, begins, 0, begins.length);
        return new Shape(begins);
    }

    /**
     * Pads the spatial axes (the last ones) of {@code input} with {@code value}, {@code extraEnd[d]} more at the end
     * of axis d than {@code resolved} says.
     */
    static NDArray pad(NDArray input, long[] resolved, long[] extraEnd, double value) {
        int n = resolved.length / 2;
        // NDArray.pad takes (begin, end) pairs from the last axis backwards, as torch.nn.functional.pad does.
        long[] pairs = new long[2 * n];
        for (int d = 0; d < n; d++) {
            int axis = n - 1 - d;
            pairs[2 * d] = resolved[axis];
            pairs[2 * d + 1] = resolved[n + axis] + extraEnd[axis];
        }
        return input.pad(new Shape(pairs), value);
    }

    static long[] spatialSizes(NDArray input) {
        Shape shape = input.getShape();
        long[] sizes = new long[shape.dimension() - 2];
        for (int d = 0; d < sizes.length; d++) {
            sizes[d] = shape.get(d + 2);
        }
        return sizes;
    }

    static long[] ones(int count) {
        long[] ones = new long[count];
        Arrays.fill(ones, 1);
        return ones;
    }
}
