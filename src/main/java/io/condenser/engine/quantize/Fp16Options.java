package io.condenser.engine.quantize;

import java.util.HashSet;
import java.util.Set;

/**
 * Options of fp16 conversion.
 *
 * @param keepFp32Ops operator types that keep computing in fp32, with Casts around them; their fp16 weights are
 *                    stored fp16 and cast back, so the file still shrinks
 * @param keepIoTypes graph inputs and outputs stay fp32 under their names, with Casts at the edges
 */
public record Fp16Options(Set<String> keepFp32Ops, boolean keepIoTypes) {

    /**
     * Operators without an fp16 kernel in ONNX Runtime's CPU provider on x86-64, measured with ONNX Runtime 1.28
     * (Java) and 1.30 (Python) alike: a single-node fp16 model of each common operator was loaded with optimizations
     * off and its saved graph checked for the Casts ONNX Runtime inserts around nodes it can only run in fp32.
     * Operators that did have an fp16 kernel: Cast, Clip, Concat, ConstantOfShape, Expand, Flatten, Gather,
     * GatherElements, Identity, IsInf, IsNaN, LayerNormalization, Max, Min, Reshape, Round, ScatterND, Shape, Sign,
     * Slice, Split, Squeeze, Transpose, Unsqueeze.
     */
    public static final Set<String> ORT_CPU_WITHOUT_FP16_KERNEL = Set.of("Abs", "Add", "ArgMax", "AveragePool",
            "BatchNormalization", "CastLike", "Ceil", "Conv", "ConvTranspose", "Cos", "CumSum", "DepthToSpace", "Div",
            "Dropout", "Einsum", "Elu", "Equal", "Erf", "Exp", "Floor", "Gelu", "Gemm", "GlobalAveragePool",
            "GlobalMaxPool", "Greater", "GroupNormalization", "HardSigmoid", "HardSwish", "InstanceNormalization",
            "LeakyRelu", "Less", "Log", "LogSoftmax", "MatMul", "MaxPool", "Mean", "Mish", "Mul", "Neg", "PRelu",
            "Pad", "Pow", "Reciprocal", "ReduceL2", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin",
            "ReduceProd", "ReduceSum", "ReduceSumSquare", "Relu", "Resize", "Selu", "Sigmoid", "Sin", "Size",
            "Softmax", "Softplus", "Sqrt", "Sub", "Sum", "Tanh", "Tile", "TopK", "Trilu", "Where");

    /**
     * Operators that lose too much in fp16 wherever they run: normalizations, long sums and exponentials overflow or
     * cancel beyond fp16's 11-bit mantissa and ±65504 range, and ranks, indices and coordinates need more than 11 bits.
     */
    public static final Set<String> NUMERICALLY_SENSITIVE = Set.of("Softmax", "LogSoftmax", "LayerNormalization",
            "InstanceNormalization", "GroupNormalization", "ReduceMean", "ReduceSum", "ReduceSumSquare", "ReduceL2",
            "ReduceLogSumExp", "ReduceProd", "CumSum", "Exp", "Log", "Pow", "Range", "TopK", "NonMaxSuppression",
            "RoiAlign", "Resize");

    public Fp16Options {
        keepFp32Ops = Set.copyOf(keepFp32Ops);
    }

    /**
     * For ONNX Runtime on CPU: operators without an fp16 kernel and numerically sensitive ones stay fp32, so the model
     * keeps its accuracy and mostly computes in fp32 from fp16-stored weights (half the file).
     */
    public static Fp16Options defaults() {
        Set<String> keep = new HashSet<>(ORT_CPU_WITHOUT_FP16_KERNEL);
        keep.addAll(NUMERICALLY_SENSITIVE);
        return new Fp16Options(keep, true);
    }

    /** For runtimes with fp16 kernels (GPUs): only the numerically sensitive operators stay fp32. */
    public static Fp16Options forFp16Kernels() {
        return new Fp16Options(NUMERICALLY_SENSITIVE, true);
    }
}
