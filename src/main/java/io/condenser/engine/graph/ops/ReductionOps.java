package io.condenser.engine.graph.ops;

import ai.djl.ndarray.NDArray;
import io.condenser.engine.graph.OnnxNode;
import io.condenser.engine.graph.OpKernel;
import io.condenser.engine.graph.OpRegistry;
import java.util.Arrays;

/** ReduceMean and ReduceSum, with axes as an attribute or (ReduceSum from opset 13, ReduceMean from 18) an input. */
public final class ReductionOps {

    @FunctionalInterface
    private interface Reduction {
        NDArray apply(NDArray input, int[] axes, boolean keepDims);
    }

    private ReductionOps() {
    }

    public static void register(OpRegistry registry) {
        registry.register("ReduceMean", node -> reduce(node, 18, HostValues::mean), 1);
        registry.register("ReduceSum", node -> reduce(node, 13, NDArray::sum), 1);
    }

    /** Without axes every axis is reduced, unless noop_with_empty_axes asks for the input unchanged. */
    private static OpKernel reduce(OnnxNode node, long axesInputOpset, Reduction reduction) {
        boolean keepDims = node.intAttribute("keepdims", 1) != 0;
        boolean axesInput = node.opset() >= axesInputOpset;
        long[] attributeAxes = axesInput ? null : node.intsAttribute("axes", null);
        boolean noopWithoutAxes = node.intAttribute("noop_with_empty_axes", 0) != 0;
        return (in, context) -> {
            NDArray x = in[0];
            int rank = x.getShape().dimension();
            long[] axes = axesInput ? (in.length > 1 && in[1] != null ? HostValues.longs(in[1]) : null)
                    : attributeAxes;
            if (axes == null || axes.length == 0) {
                if (noopWithoutAxes) {
                    return new NDArray[] {x};
                }
                int[] all = new int[rank];
                Arrays.setAll(all, d -> d);
                return new NDArray[] {reduction.apply(x, all, keepDims)};
            }
            return new NDArray[] {reduction.apply(x, HostValues.axes(axes, rank), keepDims)};
        };
    }
}
