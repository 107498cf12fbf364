package io.condenser.engine.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.condenser.engine.graph.OnnxNode;
import io.condenser.engine.graph.OpKernel;
import java.util.Arrays;

/**
 * Slice: starts, ends, axes and steps as attributes (before opset 10) or inputs. Bounds are clamped as the spec says;
 * PyTorch cannot step backwards, so a negative step slices the flipped axis.
 */
final class SliceOp {

    private static final long INPUTS_OPSET = 10;

    private SliceOp() {
    }

    static OpKernel create(OnnxNode node) {
        if (node.opset() < INPUTS_OPSET) {
            long[] starts = node.intsAttribute("starts", new long[0]);
            long[] ends = node.intsAttribute("ends", new long[0]);
            long[] axes = node.intsAttribute("axes", null);
            return (in, context) -> new NDArray[] {slice(in[0], starts, ends, axes, null)};
        }
        return (in, context) -> new NDArray[] {slice(in[0], HostValues.longs(in[1]), HostValues.longs(in[2]),
                optional(in, 3), optional(in, 4))};
    }

    private static long[] optional(NDArray[] in, int index) {
        return in.length > index && in[index] != null ? HostValues.longs(in[index]) : null;
    }

    private static NDArray slice(NDArray data, long[] starts, long[] ends, long[] axesOrNull, long[] stepsOrNull) {
        Shape shape = data.getShape();
        int rank = shape.dimension();
        long[] begin = new long[rank];
        long[] end = shape.getShape().clone();
        long[] step = new long[rank];
        Arrays.fill(step, 1);
        NDArray source = data;
        for (int i = 0; i < starts.length; i++) {
            int axis = HostValues.axis(axesOrNull == null ? i : axesOrNull[i], rank);
            long size = shape.get(axis);
            long stride = stepsOrNull == null ? 1 : stepsOrNull[i];
            if (stride == 0) {
                throw new IllegalArgumentException("Slice step 0");
            }
            if (size == 0) {
                continue;
            }
            long first = starts[i] < 0 ? starts[i] + size : starts[i];
            long last = ends[i] < 0 ? ends[i] + size : ends[i];
            if (stride > 0) {
                begin[axis] = Math.clamp(first, 0, size);
                end[axis] = Math.clamp(last, 0, size);
                step[axis] = stride;
            } else {
                // On the flipped axis element i sits at size - 1 - i.
                first = Math.clamp(first, 0, size - 1);
                last = Math.clamp(last, -1, size - 1);
                source = source.flip(axis);
                begin[axis] = size - 1 - first;
                end[axis] = size - 1 - last;
                step[axis] = -stride;
            }
            end[axis] = Math.max(begin[axis], end[axis]);
        }
        NDIndex index = new NDIndex();
        for (int d = 0; d < rank; d++) {
            index.addSliceDim(begin[d], end[d], step[d]);
        }
        return source.get(index);
    }
}
