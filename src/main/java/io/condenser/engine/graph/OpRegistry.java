package io.condenser.engine.graph;

import io.condenser.engine.graph.ops.ActivationOps;
import io.condenser.engine.graph.ops.ConstantOps;
import io.condenser.engine.graph.ops.ConvolutionOps;
import io.condenser.engine.graph.ops.ElementwiseOps;
import io.condenser.engine.graph.ops.LinearOps;
import io.condenser.engine.graph.ops.NormalizationOps;
import io.condenser.engine.graph.ops.PoolingOps;
import io.condenser.engine.graph.ops.ReductionOps;
import io.condenser.engine.graph.ops.ShapeOps;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ONNX operators (default domain) the graph interpreter executes. Each operator also names the inputs it reads as
 * host values (shapes, axes, ratios): a float initializer that only feeds such inputs stays a constant instead of
 * becoming a trainable parameter.
 */
public final class OpRegistry {

    private record Entry(KernelFactory factory, Set<Integer> hostInputs) {
    }

    private final Map<String, Entry> entries = new HashMap<>();

    /** Every operator family of {@code io.condenser.engine.graph.ops}. */
    public static OpRegistry standard() {
        OpRegistry registry = new OpRegistry();
        ElementwiseOps.register(registry);
        ActivationOps.register(registry);
        LinearOps.register(registry);
        ConvolutionOps.register(registry);
        PoolingOps.register(registry);
        NormalizationOps.register(registry);
        ShapeOps.register(registry);
        ConstantOps.register(registry);
        ReductionOps.register(registry);
        return registry;
    }

    public void register(String opType, KernelFactory factory, Integer... hostInputs) {
        if (entries.putIfAbsent(opType, new Entry(factory, Set.of(hostInputs))) != null) {
            throw new IllegalStateException(opType + " is registered twice");
        }
    }

    public Optional<KernelFactory> factory(String opType) {
        return Optional.ofNullable(entries.get(opType)).map(Entry::factory);
    }

    public boolean isHostInput(String opType, int input) {
        Entry entry = entries.get(opType);
        return entry != null && entry.hostInputs().contains(input);
    }

    public Set<String> operators() {
        return new TreeSet<>(entries.keySet());
    }
}
