package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;

/** A rewritten model and the report of what was rewritten. */
public record QuantizedModel(ModelProto model, QuantizationReport report) {
}
