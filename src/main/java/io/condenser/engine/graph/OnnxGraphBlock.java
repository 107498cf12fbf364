package io.condenser.engine.graph;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.eval.DjlSettings;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An ONNX graph executed operator by operator on DJL's PyTorch engine, as a trainable DJL block: float initializers are
 * its {@link ai.djl.nn.Parameter}s (named as the initializers), so {@code GradientCollector}, {@code Trainer} and
 * {@code Optimizer} train it like any block, and {@link #writeBack()} returns the user's model with the trained
 * values.
 *
 * <p>Forward binds the graph inputs in graph order (initializers listed as inputs are not inputs) and returns the graph
 * outputs in order. Every array the pass creates besides its outputs is closed when it ends (autograd keeps what the
 * backward pass needs); outputs belong to the manager of the first input.
 */
public final class OnnxGraphBlock extends AbstractBlock {

    public static final String ENGINE = "PyTorch";

    private static final byte VERSION = 1;

    private final ModelProto model;
    private final CompiledGraph graph;
    private final GraphBlockOptions options;
    private final boolean[] transformedSlots;
    private final Set<NDArray> ownedArrays = Collections.newSetFromMap(new IdentityHashMap<>());

    private OnnxGraphBlock(ModelProto model, CompiledGraph graph, GraphBlockOptions options) {
        super(VERSION);
        this.model = model;
        this.graph = graph;
        this.options = options;
        this.transformedSlots = new boolean[graph.slotNames().length];
        for (int slot = 0; slot < transformedSlots.length; slot++) {
            transformedSlots[slot] = options.tensors().transforms(graph.slotNames()[slot]);
        }
        for (CompiledGraph.ParameterSlot parameter : graph.parameters()) {
            addParameter(parameter.parameter());
            ownedArrays.add(parameter.parameter().getArray());
        }
        for (NDArray constant : graph.constants()) {
            if (constant != null) {
                ownedArrays.add(constant);
            }
        }
    }

    /** The PyTorch engine, started with Condenser's DJL settings (offline, deliberate thread counts). */
    public static Engine engine() {
        DjlSettings.apply();
        return Engine.getEngine(ENGINE);
    }

    /**
     * Compiles the model. Its initializers are read into {@code manager} (a PyTorch manager that must outlive the
     * block) once, here.
     *
     * @throws UnsupportedModelException naming every operator, attribute value or element type that cannot be
     *                                   executed, before anything runs
     */
    public static OnnxGraphBlock build(ModelProto model, NDManager manager, GraphBlockOptions options) {
        if (!ENGINE.equals(manager.getEngine().getEngineName())) {
            throw new IllegalArgumentException("the graph runs on the PyTorch engine, not "
                    + manager.getEngine().getEngineName());
        }
        return new OnnxGraphBlock(model, GraphCompiler.compile(model, manager, OpRegistry.standard()), options);
    }

    /**
     * Why the model cannot be trained as a block, checked on the graph alone (no engine, no copy of the weights): an
     * operator, attribute value or element type the interpreter cannot execute, or no initializer to train.
     */
    public static Optional<String> whyNotTrainable(ModelProto model) {
        return GraphCompiler.whyNotTrainable(model, OpRegistry.standard());
    }

    public static OnnxGraphBlock build(ModelProto model, NDManager manager) {
        return build(model, manager, GraphBlockOptions.none());
    }

    /** The names of the graph inputs the forward pass binds, in order. */
    public List<String> inputNames() {
        return graph.inputs().stream().map(CompiledGraph.Input::name).toList();
    }

    public List<String> outputNames() {
        return graph.outputNames();
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        if (inputs.size() != graph.inputs().size()) {
            throw new IllegalArgumentException("the graph takes " + graph.inputs().size() + " inputs "
                    + inputNames() + ", not " + inputs.size());
        }
        NDManager manager = inputs.head().getManager();
        Device device = inputs.head().getDevice();
        OpContext context = new OpContext(manager, training);
        NDArray[] values = graph.constants().clone();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (CompiledGraph.ParameterSlot slot : graph.parameters()) {
                NDArray value = parameterStore.getValue(slot.parameter(), device, training);
                values[slot.slot()] = options.parameters().apply(slot.parameter().getName(), value, training);
            }
            for (int i = 0; i < inputs.size(); i++) {
                CompiledGraph.Input input = graph.inputs().get(i);
                NDArray value = inputs.get(i);
                if (input.type() != null && value.getDataType() != input.type()) {
                    value = value.toType(input.type(), false);
                }
                store(values, input.slot(), value, training);
            }
            for (CompiledGraph.Step step : graph.steps()) {
                run(step, values, context);
            }
            return outputs(values, manager);
        }
    }

    private void run(CompiledGraph.Step step, NDArray[] values, OpContext context) {
        NDArray[] in = new NDArray[step.inputs().length];
        for (int i = 0; i < in.length; i++) {
            int slot = step.inputs()[i];
            in[i] = slot >= 0 ? values[slot] : null;
        }
        NDArray[] out = step.kernel().run(in, context);
        int produced = Math.min(out.length, step.outputs().length);
        for (int o = 0; o < produced; o++) {
            if (step.outputs()[o] >= 0) {
                store(values, step.outputs()[o], out[o], context.training());
            }
        }
    }

    private void store(NDArray[] values, int slot, NDArray value, boolean training) {
        values[slot] = transformedSlots[slot]
                ? options.tensors().apply(graph.slotNames()[slot], value, training) : value;
    }

    /** Outputs outlive the pass: out of its scope, in the caller's manager, copies where the block owns them. */
    private NDList outputs(NDArray[] values, NDManager manager) {
        NDList outputs = new NDList(graph.outputSlots().length);
        for (int slot : graph.outputSlots()) {
            NDArray value = values[slot];
            if (ownedArrays.contains(value)) {
                value = value.duplicate();
            }
            if (value.getManager() != manager) {
                value.attach(manager);
            }
            NDScope.unregister(value);
            outputs.add(value);
        }
        return outputs;
    }

    /** Runs the graph on zeros of the given shapes (inputs of their declared types) and reports the outputs' shapes. */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        NDManager owner = graph.parameters().isEmpty()
                ? null : graph.parameters().getFirst().parameter().getArray().getManager();
        try (NDManager manager = owner != null ? owner.newSubManager() : engine().newBaseManager()) {
            NDList zeros = new NDList();
            for (int i = 0; i < inputShapes.length; i++) {
                DataType type = graph.inputs().get(i).type();
                zeros.add(manager.zeros(inputShapes[i], type == null ? DataType.FLOAT32 : type));
            }
            NDList outputs = forwardInternal(new ParameterStore(manager, false), zeros, false, null);
            return outputs.getShapes();
        }
    }

    /**
     * The model this block was built from with every parameter's current value written into its own initializer:
     * same name, dimensions and FLOAT type, stored where the original kept its values (raw data or float_data;
     * external data comes back inline). Everything else in the model is unchanged.
     */
    public ModelProto writeBack() {
        GraphProto.Builder builder = model.getGraph().toBuilder();
        for (CompiledGraph.ParameterSlot slot : graph.parameters()) {
            float[] values = slot.parameter().getArray().toFloatArray();
            builder.setInitializer(slot.initializer(),
                    InitializerValues.replace(builder.getInitializer(slot.initializer()), values));
        }
        return model.toBuilder().setGraph(builder).build();
    }

    @Override
    public String toString() {
        return "OnnxGraphBlock(" + model.getGraph().getName() + ", " + graph.steps().size() + " steps, "
                + graph.parameters().size() + " parameters)";
    }
}
