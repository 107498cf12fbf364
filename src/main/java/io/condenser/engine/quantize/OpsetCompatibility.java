package io.condenser.engine.quantize;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The operators of the default ONNX domain whose meaning does not change when a model's opset is raised to 21, and
 * from which opset on that holds. An operator that is not listed, or a model older than its entry, makes a raise
 * unsafe.
 *
 * <p>Derived from the ONNX operator changelog (the schema history of onnx 1.23, {@code since_version} of every
 * operator up to 21) and cross-checked against the adapters of onnx's own version converter
 * ({@code onnx/version_converter/convert.h}): a version step is listed as safe when it only adds element types,
 * adds attributes or optional inputs whose defaults keep the old behaviour, or allows what was invalid before
 * (negative axes, broadcasting where shapes had to match). The steps that move an attribute into an input are safe
 * because {@link OpsetUpgrade} converts them: {@code axes} of ReduceSum, Squeeze, Unsqueeze and {@code split} of
 * Split at 13, {@code axes} of the other Reduce operators at 18, and Split's {@code num_outputs} at 18.
 * Steps that change meaning set the lower bound of an entry, for example: Softmax, LogSoftmax and Hardmax at 13
 * (normalize along one axis instead of the flattened trailing block), Clip and Pad at 11 (bounds and pads become
 * inputs), Resize at 11 (coordinate transformation), Slice and TopK at 10, Dropout at 12, Reshape at 5, the
 * arithmetic and comparison operators and PRelu at 7 (NumPy broadcasting instead of the {@code broadcast} attribute or
 * per-channel slopes; onnx's converter treats PRelu 6 to 7 as compatible, which it is not for a [C] slope),
 * BatchNormalization at 9 ({@code spatial}); GroupNormalization (changed at 21), RoiAlign (16), GridSample and DFT
 * (20) are only safe from those versions on, and deprecated operators (Upsample, Scatter) are not listed at all.
 */
public final class OpsetCompatibility {

    private static final Map<String, Long> SAME_MEANING_SINCE = new HashMap<>();

    static {
        since(1, "ArgMax", "ArgMin", "Constant", "Conv", "ConvTranspose", "DepthToSpace", "Flatten", "Gather",
                "GlobalAveragePool", "GlobalMaxPool", "Identity", "If", "Loop", "LpNormalization", "LRN", "MatMul",
                "MaxPool", "Not", "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Shape",
                "Size", "Softplus", "Softsign", "SpaceToDepth", "Transpose", "Squeeze", "Unsqueeze", "ReduceL1",
                "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd",
                "ReduceSum", "ReduceSumSquare");
        since(2, "GlobalLpPool", "LpPool", "Split");
        since(4, "Concat");
        since(5, "Reshape");
        since(6, "Abs", "Cast", "Ceil", "Elu", "Exp", "Floor", "HardSigmoid", "InstanceNormalization", "LeakyRelu",
                "Log", "Max", "Mean", "Min", "Neg", "Reciprocal", "Relu", "Selu", "Sigmoid", "Sqrt", "Sum",
                "Tanh", "Tile");
        since(7, "Acos", "Add", "And", "Asin", "Atan", "AveragePool", "Cos", "Div", "Equal", "Gemm", "GRU",
                "Greater", "Less", "LSTM", "Mul", "Multinomial", "Or", "Pow", "PRelu", "RNN", "Sin", "Sub", "Tan",
                "Xor");
        since(8, "Expand");
        since(9, "Acosh", "Asinh", "Atanh", "BatchNormalization", "Compress", "ConstantOfShape", "Cosh", "Erf",
                "EyeLike", "IsNaN", "MaxUnpool", "MeanVarianceNormalization", "NonZero", "OneHot", "Scan", "Shrink",
                "Sign", "Sinh", "Where");
        since(10, "ConvInteger", "DequantizeLinear", "IsInf", "MatMulInteger", "Mod", "NonMaxSuppression",
                "QLinearConv", "QLinearMatMul", "QuantizeLinear", "ReverseSequence", "Slice", "ThresholdedRelu",
                "TopK");
        since(11, "BitShift", "Clip", "CumSum", "Det", "DynamicQuantizeLinear", "GatherElements", "GatherND", "Pad",
                "Range", "Resize", "Round", "ScatterElements", "ScatterND", "Unique");
        since(12, "Celu", "Dropout", "Einsum", "GreaterOrEqual", "LessOrEqual");
        since(13, "Hardmax", "LogSoftmax", "Softmax");
        since(14, "HardSwish", "Trilu");
        since(16, "RoiAlign");
        since(17, "LayerNormalization");
        since(18, "BitwiseAnd", "BitwiseNot", "BitwiseOr", "BitwiseXor", "Mish");
        since(20, "DFT", "Gelu", "GridSample");
        since(21, "GroupNormalization");
    }

    private OpsetCompatibility() {
    }

    /**
     * The oldest opset from which the operator means the same at opset 21 (after {@link OpsetUpgrade}'s
     * conversions), or empty when the operator is not known to keep its meaning.
     */
    public static OptionalLong sameMeaningAt21Since(String opType) {
        Long since = SAME_MEANING_SINCE.get(opType);
        return since == null ? OptionalLong.empty() : OptionalLong.of(since);
    }

    private static void since(long opset, String... opTypes) {
        for (String opType : List.of(opTypes)) {
            if (SAME_MEANING_SINCE.put(opType, opset) != null) {
                throw new IllegalStateException(opType + " is listed twice");
            }
        }
    }
}
