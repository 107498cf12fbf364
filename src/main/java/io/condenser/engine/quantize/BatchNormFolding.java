package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.quantize.QuantizationReport.SkippedNode;
import java.util.List;

/**
 * The result of batch-norm folding.
 *
 * @param model   the model with folded batch norms removed (the input itself when nothing was folded)
 * @param folded  how many BatchNormalization nodes were folded into the Conv or Gemm before them
 * @param skipped batch norms left in place, each with the reason
 */
public record BatchNormFolding(ModelProto model, int folded, List<SkippedNode> skipped) {

    public BatchNormFolding {
        skipped = List.copyOf(skipped);
    }
}
