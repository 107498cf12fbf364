package io.condenser.engine.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.condenser.engine.graph.OnnxNode;
import io.condenser.engine.graph.OpKernel;
import io.condenser.engine.graph.OpRegistry;
import java.util.Arrays;

/** Operators that move or select values: reshaping, transposing, concatenating, slicing, gathering. */
public final class ShapeOps {

    /** Squeeze and Unsqueeze take their axes as an input instead of an attribute from opset 13 on. */
    private static final long AXES_INPUT_OPSET = 13;

    private ShapeOps() {
    }

    public static void register(OpRegistry registry) {
        registry.register("Identity", node -> (in, context) -> new NDArray[] {in[0]});
        registry.register("Reshape", ShapeOps::reshape, 1);
        registry.register("Flatten", ShapeOps::flatten);
        registry.register("Transpose", ShapeOps::transpose);
        registry.register("Concat", node -> {
            long axis = node.intAttribute("axis", 0);
            return (in, context) -> new NDArray[] {NDArrays.concat(new NDList(in),
                    HostValues.axis(axis, in[0].getShape().dimension()))};
        });
        registry.register("Unsqueeze", ShapeOps::unsqueeze, 1);
        registry.register("Squeeze", ShapeOps::squeeze, 1);
        registry.register("Shape", ShapeOps::shape);
        registry.register("Expand", node -> (in, context) -> new NDArray[] {
                in[0].broadcast(broadcastShape(in[0].getShape().getShape(), HostValues.longs(in[1])))}, 1);
        registry.register("Gather", ShapeOps::gather);
        registry.register("Slice", SliceOp::create, 1, 2, 3, 4);
    }

    /** 0 copies the input's dimension (unless allowzero), -1 takes what is left. */
    private static OpKernel reshape(OnnxNode node) {
        boolean allowZero = node.intAttribute("allowzero", 0) != 0;
        return (in, context) -> {
            long[] target = HostValues.longs(in[1]).clone();
            Shape shape = in[0].getShape();
            int unknown = -1;
            long known = 1;
            for (int d = 0; d < target.length; d++) {
                if (target[d] == 0 && !allowZero) {
                    target[d] = shape.get(d);
                }
                if (target[d] == -1) {
                    unknown = d;
                } else {
                    known *= target[d];
                }
            }
            if (unknown >= 0) {
                target[unknown] = known == 0 ? 0 : shape.size() / known;
            }
            return new NDArray[] {in[0].reshape(new Shape(target))};
        };
    }

    private static OpKernel flatten(OnnxNode node) {
        long axisAttribute = node.intAttribute("axis", 1);
        return (in, context) -> {
            Shape shape = in[0].getShape();
            int rank = shape.dimension();
            int axis = axisAttribute == rank ? rank : HostValues.axis(axisAttribute, rank);
            long outer = 1;
            long inner = 1;
            for (int d = 0; d < rank; d++) {
                if (d < axis) {
                    outer *= shape.get(d);
                } else {
                    inner *= shape.get(d);
                }
            }
            return new NDArray[] {in[0].reshape(outer, inner)};
        };
    }

    private static OpKernel transpose(OnnxNode node) {
        long[] perm = node.intsAttribute("perm", null);
        return (in, context) -> {
            if (perm == null) {
                return new NDArray[] {in[0].transpose()};
            }
            return new NDArray[] {in[0].transpose(HostValues.ints(perm))};
        };
    }

    private static OpKernel unsqueeze(OnnxNode node) {
        long[] attributeAxes = node.opset() < AXES_INPUT_OPSET ? node.intsAttribute("axes", new long[0]) : null;
        return (in, context) -> {
            long[] dims = in[0].getShape().getShape();
            long[] axesValues = attributeAxes != null ? attributeAxes : HostValues.longs(in[1]);
            int rank = dims.length + axesValues.length;
            boolean[] inserted = new boolean[rank];
            for (int axis : HostValues.axes(axesValues, rank)) {
                inserted[axis] = true;
            }
            long[] target = new long[rank];
            int source = 0;
            for (int d = 0; d < rank; d++) {
                target[d] = inserted[d] ? 1 : dims[source++];
            }
            return new NDArray[] {in[0].reshape(new Shape(target))};
        };
    }

    /** Without axes, every dimension of size 1 goes. */
    private static OpKernel squeeze(OnnxNode node) {
        boolean axesInput = node.opset() >= AXES_INPUT_OPSET;
        long[] attributeAxes = axesInput ? null : node.intsAttribute("axes", null);
        return (in, context) -> {
            long[] dims = in[0].getShape().getShape();
            long[] axesValues = axesInput ? (in.length > 1 && in[1] != null ? HostValues.longs(in[1]) : null)
                    : attributeAxes;
            boolean[] removed = new boolean[dims.length];
            if (axesValues == null) {
                for (int d = 0; d < dims.length; d++) {
                    removed[d] = dims[d] == 1;
                }
            } else {
                for (int axis : HostValues.axes(axesValues, dims.length)) {
                    removed[axis] = true;
                }
            }
            long[] target = new long[dims.length];
            int kept = 0;
            for (int d = 0; d < dims.length; d++) {
                if (!removed[d]) {
                    target[kept++] = dims[d];
                }
            }
            return new NDArray[] {in[0].reshape(new Shape(Arrays.copyOf(target, kept)))};
        };
    }

    /** The input's dimensions from start to end (opset 15), both clamped to the rank. */
    private static OpKernel shape(OnnxNode node) {
        long start = node.intAttribute("start", 0);
        Long end = node.has("end") ? node.intAttribute("end", 0) : null;
        return (in, context) -> {
            long[] dims = in[0].getShape().getShape();
            int rank = dims.length;
            int from = (int) Math.clamp(start < 0 ? start + rank : start, 0, rank);
            int to = (int) Math.clamp(end == null ? rank : end < 0 ? end + rank : end, 0, rank);
            long[] selected = Arrays.copyOfRange(dims, from, Math.max(from, to));
            return new NDArray[] {context.manager().create(selected)};
        };
    }

    /** Numpy's bidirectional broadcast of the input's shape and the requested one. */
    private static Shape broadcastShape(long[] input, long[] requested) {
        int rank = Math.max(input.length, requested.length);
        long[] result = new long[rank];
        for (int d = 0; d < rank; d++) {
            long a = d - (rank - input.length) >= 0 ? input[d - (rank - input.length)] : 1;
            long b = d - (rank - requested.length) >= 0 ? requested[d - (rank - requested.length)] : 1;
            result[d] = a == 1 ? b : a;
        }
        return new Shape(result);
    }

    /**
     * Numpy-style take along {@code axis}: the index tensor's dimensions replace the axis. PyTorch's advanced
     * indexing counts negative indices from the end, as ONNX does.
     */
    private static OpKernel gather(OnnxNode node) {
        long axisAttribute = node.intAttribute("axis", 0);
        return (in, context) -> {
            int axis = HostValues.axis(axisAttribute, in[0].getShape().dimension());
            String prefix = ":, ".repeat(axis);
            return new NDArray[] {in[0].get(new NDIndex(prefix + "{}", in[1]))};
        };
    }
}
