package io.condenser.engine.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import io.condenser.engine.graph.OpKernel;
import io.condenser.engine.graph.OpRegistry;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/** Element-wise arithmetic, comparisons and Where, with numpy broadcasting (ONNX's rule from opset 7 on). */
public final class ElementwiseOps {

    private ElementwiseOps() {
    }

    public static void register(OpRegistry registry) {
        binary(registry, "Add", NDArray::add);
        binary(registry, "Sub", NDArray::sub);
        binary(registry, "Mul", NDArray::mul);
        binary(registry, "Div", ElementwiseOps::divide);
        // Pow's exponent is a constant of the formula (x² in a decomposed LayerNorm), never a weight to train.
        registry.register("Pow", node -> (in, context) -> new NDArray[] {power(in[0], in[1])}, 1);
        binary(registry, "Equal", NDArray::eq);
        binary(registry, "Less", NDArray::lt);
        binary(registry, "Greater", NDArray::gt);
        unary(registry, "Sqrt", NDArray::sqrt);
        unary(registry, "Erf", NDArray::erf);
        unary(registry, "Neg", NDArray::neg);
        unary(registry, "Exp", NDArray::exp);
        unary(registry, "Log", NDArray::log);
        unary(registry, "Abs", NDArray::abs);
        unary(registry, "Reciprocal", x -> x.pow(-1));
        unary(registry, "Not", NDArray::logicalNot);
        registry.register("Where", node -> (in, context) -> new NDArray[] {NDArrays.where(in[0], in[1], in[2])});
    }

    private static void binary(OpRegistry registry, String opType, BinaryOperator<NDArray> operation) {
        registry.register(opType, node -> (in, context) -> new NDArray[] {operation.apply(in[0], in[1])});
    }

    private static void unary(OpRegistry registry, String opType, UnaryOperator<NDArray> operation) {
        OpKernel kernel = (in, context) -> new NDArray[] {operation.apply(in[0])};
        registry.register(opType, node -> kernel);
    }

    /** Integer Div truncates toward zero as ONNX Runtime's does; PyTorch would divide in floating point. */
    private static NDArray divide(NDArray a, NDArray b) {
        if (a.getDataType().isFloating()) {
            return a.div(b);
        }
        return a.toType(DataType.FLOAT64, false).div(b.toType(DataType.FLOAT64, false)).trunc()
                .toType(a.getDataType(), false);
    }

    /** Pow's result has the base's type whatever the exponent's. */
    private static NDArray power(NDArray base, NDArray exponent) {
        NDArray result = base.pow(exponent);
        return result.getDataType() == base.getDataType() ? result : result.toType(base.getDataType(), false);
    }
}
