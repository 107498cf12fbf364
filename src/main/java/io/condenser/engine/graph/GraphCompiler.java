package io.condenser.engine.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.OnnxDomains;
import io.condenser.engine.onnx.OnnxNodes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns an ONNX graph into a {@link CompiledGraph}: checks every node against the {@link OpRegistry} (refusing all
 * unsupported ones at once, before any array exists), decides which float initializers are trainable parameters, reads
 * initializers into NDArrays once, and evaluates nodes whose inputs are all constant once.
 */
final class GraphCompiler {

    static final long MIN_OPSET = 7;
    static final long MAX_OPSET = 21;

    /** Operators whose result changes between runs with the same inputs: never evaluated at build time. */
    private static final Set<String> NOT_FOLDABLE = Set.of("Dropout");

    /** Operators whose inputs after the first are a layer's weights and biases (MatMul: either side may be). */
    private static final Set<String> LAYERS_WITH_PARAMETERS = Set.of("Gemm", "Conv", "MatMul", "BatchNormalization",
            "LayerNormalization");

    /** BatchNormalization's inputs 3 and 4, the running mean and variance: updated by training, not by gradients. */
    private static final Set<Integer> RUNNING_STATISTICS = Set.of(3, 4);

    private final ModelProto model;
    private final NDManager manager;
    private final OpRegistry registry;
    private final long opset;
    private final Map<String, Integer> slots = new LinkedHashMap<>();
    private final Map<String, Integer> initializerIndexes = new HashMap<>();

    private GraphCompiler(ModelProto model, NDManager manager, OpRegistry registry) {
        this.model = model;
        this.manager = manager;
        this.registry = registry;
        this.opset = ModelInspector.defaultOpset(model);
    }

    /** @throws UnsupportedModelException naming every node (and other part) the interpreter cannot execute */
    static CompiledGraph compile(ModelProto model, NDManager manager, OpRegistry registry) {
        return new GraphCompiler(model, manager, registry).compile();
    }

    /**
     * Why the model cannot be trained, found without reading a tensor into an engine (so that an API replica can check
     * a job before queueing it at the cost of the graph alone): what compiling would refuse, or nothing to train.
     */
    static Optional<String> whyNotTrainable(ModelProto model, OpRegistry registry) {
        GraphCompiler compiler = new GraphCompiler(model, null, registry);
        List<String> problems = new ArrayList<>();
        compiler.check(new ArrayList<>(), new ArrayList<>(), problems);
        if (!problems.isEmpty()) {
            return Optional.of(refusal(problems));
        }
        if (!compiler.parameterRoles(model.getGraph()).containsValue(ParameterRole.TRAINABLE)) {
            return Optional.of("the model has no trainable parameters: training changes float32 initializers, and"
                    + " this model has none that a node reads as data (its weights may be float16, or held in"
                    + " Constant nodes)");
        }
        return Optional.empty();
    }

    private static String refusal(List<String> problems) {
        return "the model cannot be executed for training: " + String.join("; ", problems);
    }

    private CompiledGraph compile() {
        List<OpKernel> kernels = new ArrayList<>();
        List<CompiledGraph.Input> inputs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> used = check(kernels, inputs, problems);
        if (!problems.isEmpty()) {
            throw new UnsupportedModelException(refusal(problems));
        }
        return assemble(model.getGraph(), kernels, inputs, used);
    }

    /**
     * Creates every node's kernel and the graph's inputs, collecting what cannot be executed.
     *
     * @return the tensors the graph reads
     */
    private Set<String> check(List<OpKernel> kernels, List<CompiledGraph.Input> inputs, List<String> problems) {
        GraphProto graph = model.getGraph();
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            problems.add("opset " + opset + " (supported: " + MIN_OPSET + " to " + MAX_OPSET + ")");
        }
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            initializerIndexes.put(graph.getInitializer(i).getName(), i);
        }
        Set<String> used = usedTensors(graph);
        for (NodeProto node : graph.getNodeList()) {
            kernels.add(kernelOrProblem(node, used, problems));
        }
        for (ValueInfoProto input : graph.getInputList()) {
            if (!initializerIndexes.containsKey(input.getName())) {
                inputs.add(new CompiledGraph.Input(input.getName(), slot(input.getName()), declaredType(input,
                        problems)));
            }
        }
        for (TensorProto initializer : graph.getInitializerList()) {
            if (used.contains(initializer.getName())
                    && OnnxDataTypes.djlType(initializer.getDataType()).isEmpty()) {
                problems.add("initializer " + initializer.getName() + " has element type "
                        + OnnxDataTypes.name(initializer.getDataType()));
            }
        }
        return used;
    }

    private CompiledGraph assemble(GraphProto graph, List<OpKernel> kernels, List<CompiledGraph.Input> inputs,
                                   Set<String> used) {
        Map<Integer, NDArray> constants = new HashMap<>();
        List<CompiledGraph.ParameterSlot> parameters = new ArrayList<>();
        Map<String, ParameterRole> roles = parameterRoles(graph);
        for (TensorProto initializer : graph.getInitializerList()) {
            if (!used.contains(initializer.getName())) {
                continue;
            }
            int slot = slot(initializer.getName());
            NDArray value = TensorArrays.create(manager, initializer);
            ParameterRole role = roles.getOrDefault(initializer.getName(), ParameterRole.CONSTANT);
            if (role == ParameterRole.CONSTANT) {
                constants.put(slot, value);
                continue;
            }
            boolean trainable = role == ParameterRole.TRAINABLE;
            value.setRequiresGradient(trainable);
            Parameter parameter = Parameter.builder().setName(initializer.getName())
                    .setType(trainable ? Parameter.Type.WEIGHT : Parameter.Type.RUNNING_MEAN)
                    .optRequiresGrad(trainable).optArray(value).build();
            parameters.add(new CompiledGraph.ParameterSlot(parameter, slot,
                    initializerIndexes.get(initializer.getName())));
        }
        Set<Integer> inputSlots = new HashSet<>();
        inputs.forEach(i -> inputSlots.add(i.slot()));
        parameters.forEach(p -> inputSlots.add(p.slot()));
        List<CompiledGraph.Step> steps = new ArrayList<>();
        for (int n = 0; n < graph.getNodeCount(); n++) {
            NodeProto node = graph.getNode(n);
            int[] in = slotsOf(node.getInputList(), node);
            int[] out = node.getOutputList().stream().mapToInt(o -> o.isEmpty() ? -1 : slot(o)).toArray();
            CompiledGraph.Step step = new CompiledGraph.Step(kernels.get(n), in, out, OnnxNodes.describe(node)
                    + " (" + node.getOpType() + ")");
            if (isFoldable(node, in, constants)) {
                fold(step, constants);
            } else {
                steps.add(step);
            }
        }
        NDArray[] constantSlots = new NDArray[slots.size()];
        constants.forEach((slot, value) -> constantSlots[slot] = value);
        List<String> outputNames = graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
        int[] outputSlots = outputNames.stream().mapToInt(this::existingSlot).toArray();
        return new CompiledGraph(constantSlots, slots.keySet().toArray(String[]::new), List.copyOf(inputs),
                List.copyOf(parameters), List.copyOf(steps), outputSlots, outputNames);
    }

    private enum ParameterRole { TRAINABLE, RUNNING_STATISTIC, CONSTANT }

    /**
     * A float initializer that any node reads as data is trainable; one read only as BatchNormalization's running
     * statistics is a parameter without gradient; one read only as a host value (a shape, a ratio) stays constant. A
     * single-element float initializer stays constant too unless it is a weight or bias of a layer: in operators
     * decomposed into basic ones (LayerNorm, GELU) such scalars are epsilons and the formula's constants (0.5, √2),
     * which gradients and weight decay would otherwise change.
     */
    private Map<String, ParameterRole> parameterRoles(GraphProto graph) {
        Map<String, ParameterRole> roles = new HashMap<>();
        for (NodeProto node : graph.getNodeList()) {
            for (int i = 0; i < node.getInputCount(); i++) {
                String input = node.getInput(i);
                Integer index = initializerIndexes.get(input);
                TensorProto initializer = index == null ? null : graph.getInitializer(index);
                if (initializer == null || initializer.getDataType() != TensorProto.DataType.FLOAT_VALUE
                        || registry.isHostInput(node.getOpType(), i)
                        || isScalar(initializer) && !isLayerParameter(node.getOpType(), i)) {
                    continue;
                }
                ParameterRole role = node.getOpType().equals("BatchNormalization") && RUNNING_STATISTICS.contains(i)
                        ? ParameterRole.RUNNING_STATISTIC : ParameterRole.TRAINABLE;
                roles.merge(input, role, (a, b) -> a == ParameterRole.TRAINABLE ? a : b);
            }
        }
        return roles;
    }

    private static boolean isScalar(TensorProto initializer) {
        long elements = 1;
        for (long dim : initializer.getDimsList()) {
            elements *= dim;
        }
        return elements == 1;
    }

    /** The weight and bias inputs of the layers whose parameters are trained even when they hold one value. */
    private static boolean isLayerParameter(String opType, int input) {
        return LAYERS_WITH_PARAMETERS.contains(opType) && (input > 0 || opType.equals("MatMul"));
    }

    private boolean isFoldable(NodeProto node, int[] inputs, Map<Integer, NDArray> constants) {
        if (NOT_FOLDABLE.contains(node.getOpType())) {
            return false;
        }
        for (int slot : inputs) {
            if (slot >= 0 && !constants.containsKey(slot)) {
                return false;
            }
        }
        return true;
    }

    private void fold(CompiledGraph.Step step, Map<Integer, NDArray> constants) {
        NDArray[] in = new NDArray[step.inputs().length];
        for (int i = 0; i < in.length; i++) {
            in[i] = step.inputs()[i] >= 0 ? constants.get(step.inputs()[i]) : null;
        }
        NDArray[] out;
        try {
            out = step.kernel().run(in, new OpContext(manager, false));
        } catch (RuntimeException e) {
            throw new UnsupportedModelException("the model cannot be executed for training: " + step.description()
                    + " failed on its constant inputs: " + e.getMessage());
        }
        for (int o = 0; o < Math.min(out.length, step.outputs().length); o++) {
            if (step.outputs()[o] >= 0) {
                out[o].attach(manager);
                constants.put(step.outputs()[o], out[o]);
            }
        }
    }

    private OpKernel kernelOrProblem(NodeProto node, Set<String> used, List<String> problems) {
        String name = OnnxNodes.describe(node);
        if (!OnnxDomains.normalize(node.getDomain()).isEmpty()) {
            problems.add(node.getDomain() + ":" + node.getOpType() + " (" + name + "): operators outside the default"
                    + " ONNX domain are not supported");
            return null;
        }
        var factory = registry.factory(node.getOpType());
        if (factory.isEmpty()) {
            problems.add(node.getOpType() + " (" + name + "): operator not supported");
            return null;
        }
        try {
            return factory.get().create(new OnnxNode(node, opset, used));
        } catch (UnsupportedOpException e) {
            problems.add(node.getOpType() + " (" + name + "): " + e.getMessage());
            return null;
        }
    }

    private DataType declaredType(ValueInfoProto input, List<String> problems) {
        int type = input.getType().getTensorType().getElemType();
        if (type == 0) {
            return null;
        }
        return OnnxDataTypes.djlType(type).orElseGet(() -> {
            problems.add("input " + input.getName() + " has element type " + OnnxDataTypes.name(type));
            return null;
        });
    }

    private static Set<String> usedTensors(GraphProto graph) {
        Set<String> used = new HashSet<>();
        graph.getNodeList().forEach(n -> n.getInputList().forEach(used::add));
        graph.getOutputList().forEach(o -> used.add(o.getName()));
        return used;
    }

    private int[] slotsOf(List<String> names, NodeProto node) {
        return names.stream().mapToInt(n -> {
            if (n.isEmpty()) {
                return -1;
            }
            Integer slot = slots.get(n);
            if (slot == null) {
                throw new UnsupportedModelException("the model cannot be executed for training: "
                        + OnnxNodes.describe(node) + " reads " + n + ", which no earlier node, input or initializer"
                        + " produces");
            }
            return slot;
        }).toArray();
    }

    private int slot(String name) {
        return slots.computeIfAbsent(name, k -> slots.size());
    }

    private int existingSlot(String name) {
        Integer slot = slots.get(name);
        if (slot == null) {
            throw new UnsupportedModelException("the model cannot be executed for training: graph output " + name
                    + " is produced by no node, input or initializer");
        }
        return slot;
    }
}
