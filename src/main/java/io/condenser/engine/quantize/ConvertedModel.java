package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;

/** A model rewritten into another number format, and the report of what the rewrite did. */
public record ConvertedModel<R>(ModelProto model, R report) {
}
