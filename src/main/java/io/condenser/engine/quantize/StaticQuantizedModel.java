package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;

/** A model in quantize-dequantize (QDQ) form and the report of how it was made. */
public record StaticQuantizedModel(ModelProto model, StaticQuantizationReport report) {
}
