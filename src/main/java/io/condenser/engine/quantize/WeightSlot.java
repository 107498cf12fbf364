package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * A constant float weight read by a MatMul, Gemm or Conv, with the axes that give its elements meaning.
 *
 * @param nodeIndex     position of the node in the main graph, stable across {@link OpsetUpgrade}
 * @param channelAxis   the axis of output channels: one scale per channel
 * @param reductionAxis the axis summed over by the product (K), along which blocks run; -1 for Conv, whose reduction
 *                      spans several axes
 */
public record WeightSlot(int nodeIndex, NodeProto node, TensorProto weight, int channelAxis, int reductionAxis) {

    /** The weight is always the node's second input. */
    public static final int INPUT = 1;

    public long[] dims() {
        return weight.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** Distinguishes the layouts one weight may be read in (MatMul's [K, N] and Gemm's transposed [N, K]). */
    String layoutKey() {
        return weight.getName() + "|" + channelAxis + "|" + reductionAxis;
    }
}
