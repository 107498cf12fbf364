package io.condenser.engine.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import io.condenser.engine.graph.OnnxNode;
import io.condenser.engine.graph.OpKernel;
import io.condenser.engine.graph.OpRegistry;

/** Gemm and MatMul. */
public final class LinearOps {

    private LinearOps() {
    }

    public static void register(OpRegistry registry) {
        registry.register("MatMul", node -> (in, context) -> new NDArray[] {in[0].matMul(in[1])});
        registry.register("Gemm", LinearOps::gemm);
    }

    /**
     * Y = alpha·A'·B' + beta·C. The form PyTorch exports for a linear layer (transB=1, alpha = beta = 1, a bias
     * vector) runs as one fused {@code linear} call, the kernel DJL's own Linear block uses.
     */
    private static OpKernel gemm(OnnxNode node) {
        boolean transA = node.intAttribute("transA", 0) != 0;
        boolean transB = node.intAttribute("transB", 0) != 0;
        float alpha = node.floatAttribute("alpha", 1f);
        float beta = node.floatAttribute("beta", 1f);
        boolean linearForm = !transA && transB && alpha == 1f && beta == 1f;
        return (in, context) -> {
            NDArray a = in[0];
            NDArray b = in[1];
            NDArray c = in.length > 2 ? in[2] : null;
            if (linearForm && (c == null || c.getShape().dimension() == 1)) {
                return new NDArray[] {Linear.linear(a, b, c).singletonOrThrow()};
            }
            NDArray product = (transA ? a.transpose() : a).matMul(transB ? b.transpose() : b);
            if (alpha != 1f) {
                product = product.mul(alpha);
            }
            if (c != null && beta != 0f) {
                product = product.add(beta == 1f ? c : c.mul(beta));
            }
            return new NDArray[] {product};
        };
    }
}
