package io.condenser.engine.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.condenser.engine.graph.OnnxNode;
import io.condenser.engine.graph.OpKernel;
import io.condenser.engine.graph.OpRegistry;
import java.util.function.BiFunction;

/** Relu, LeakyRelu, Sigmoid, Tanh, Gelu, Softmax and LogSoftmax. */
public final class ActivationOps {

    /** Softmax and LogSoftmax changed meaning in opset 13: before, over all axes from {@code axis} on (2-D view). */
    private static final long PER_AXIS_SOFTMAX_OPSET = 13;

    private ActivationOps() {
    }

    public static void register(OpRegistry registry) {
        registry.register("Relu", node -> (in, context) -> new NDArray[] {Activation.relu(in[0])});
        registry.register("Sigmoid", node -> (in, context) -> new NDArray[] {Activation.sigmoid(in[0])});
        registry.register("Tanh", node -> (in, context) -> new NDArray[] {in[0].tanh()});
        registry.register("LeakyRelu", node -> {
            float alpha = node.floatAttribute("alpha", 0.01f);
            return (in, context) -> new NDArray[] {Activation.leakyRelu(in[0], alpha)};
        });
        registry.register("Gelu", ActivationOps::gelu);
        registry.register("Softmax", node -> softmax(node, NDArray::softmax));
        registry.register("LogSoftmax", node -> softmax(node, NDArray::logSoftmax));
    }

    private static OpKernel softmax(OnnxNode node, BiFunction<NDArray, Integer, NDArray> operation) {
        if (node.opset() >= PER_AXIS_SOFTMAX_OPSET) {
            long axis = node.intAttribute("axis", -1);
            return (in, context) -> new NDArray[] {operation.apply(in[0], HostValues.axis(axis, rank(in[0])))};
        }
        long axis = node.intAttribute("axis", 1);
        return (in, context) -> {
            NDArray x = in[0];
            int first = HostValues.axis(axis, rank(x));
            long rows = 1;
            for (int d = 0; d < first; d++) {
                rows *= x.getShape().get(d);
            }
            NDArray flat = x.reshape(rows, x.size() / Math.max(rows, 1));
            return new NDArray[] {operation.apply(flat, 1).reshape(x.getShape())};
        };
    }

    /** Gelu (opset 20): the exact form with erf, or the tanh approximation. */
    private static OpKernel gelu(OnnxNode node) {
        String approximate = HostValues.oneOf(node.stringAttribute("approximate", "none"), "approximate", "none",
                "tanh");
        if (approximate.equals("none")) {
            return (in, context) -> {
                NDArray x = in[0];
                return new NDArray[] {x.mul(x.mul(1 / Math.sqrt(2)).erf().add(1)).mul(0.5)};
            };
        }
        return (in, context) -> {
            NDArray x = in[0];
            NDArray inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
            return new NDArray[] {x.mul(inner.tanh().add(1)).mul(0.5)};
        };
    }

    private static int rank(NDArray array) {
        return array.getShape().dimension();
    }
}
