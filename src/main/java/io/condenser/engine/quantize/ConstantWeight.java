package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.onnx.GraphIndex;

/**
 * A node input looked up as a weight to quantize: a float initializer that callers cannot replace at run time, or the
 * reason it is not one, worded for a report of skipped nodes.
 */
record ConstantWeight(TensorProto tensor, String whyNot) {

    static ConstantWeight of(NodeProto node, int input, GraphIndex index) {
        String name = node.getInputCount() > input ? node.getInput(input) : "";
        if (name.isEmpty()) {
            return new ConstantWeight(null, "it has no input " + input);
        }
        if (index.isOverridableInitializer(name)) {
            return new ConstantWeight(null, "its weight '" + name + "' is also a graph input, so callers may replace"
                    + " it");
        }
        TensorProto tensor = index.constant(name).orElse(null);
        if (tensor == null) {
            return new ConstantWeight(null, "its input '" + name + "' is computed, not a constant weight");
        }
        if (tensor.getDataType() != DataType.FLOAT_VALUE) {
            return new ConstantWeight(null, "its weight '" + name + "' is "
                    + DataType.forNumber(tensor.getDataType()) + ", not FLOAT");
        }
        return new ConstantWeight(tensor, null);
    }

    boolean found() {
        return tensor != null;
    }
}
