package io.condenser.engine.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.eval.HostTensor.ElementType;
import io.condenser.engine.onnx.GraphIndex;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.onnx.TensorSignature;
import io.condenser.engine.onnx.TensorSignature.Dimension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Inputs made up for a model from its declared inputs, for measuring latency and comparing a compressed model with
 * its original when no dataset is given. Floating-point inputs are standard normal. An integer input that indexes an
 * embedding table (Gather on a constant) gets valid indices into that table; other integer inputs (attention masks)
 * are 1, booleans true.
 */
public final class SyntheticInputs {

    /** The size of a symbolic dimension other than the batch when the caller names none. */
    public static final int DEFAULT_DIMENSION = 16;

    /** At most this many elements in one batch of all inputs together (128 MB of int64), so a spec cannot exhaust memory. */
    public static final long MAX_BATCH_ELEMENTS = 16L << 20;

    private final List<InputPlan> inputs;

    private record InputPlan(TensorSignature signature, ElementType type, OptionalLong indexBound) {
    }

    private SyntheticInputs(List<InputPlan> inputs) {
        this.inputs = inputs;
    }

    public static SyntheticInputs of(ModelProto model) {
        GraphIndex index = GraphIndex.of(model);
        List<InputPlan> plans = new ArrayList<>();
        for (TensorSignature input : ModelInspector.inspect(model).inputs()) {
            if (input.shape().isEmpty() && input.elementType() == DataType.UNDEFINED_VALUE) {
                throw new UnsupportedModelException("input '" + input.name() + "' is not a tensor with a declared"
                        + " type; synthetic inputs cannot be made for it");
            }
            plans.add(new InputPlan(input, elementType(input), indexBound(input.name(), index)));
        }
        if (plans.isEmpty()) {
            throw new UnsupportedModelException("the model has no inputs to feed");
        }
        return new SyntheticInputs(plans);
    }

    /**
     * The batch size every input fixes in its first dimension, or empty when all inputs take any batch size. Scalar
     * inputs do not constrain it.
     */
    public OptionalLong fixedBatchSize() {
        for (InputPlan plan : inputs) {
            List<Dimension> shape = plan.signature().shape();
            if (!shape.isEmpty() && shape.getFirst().isFixed()) {
                return OptionalLong.of(shape.getFirst().size());
            }
        }
        return OptionalLong.empty();
    }

    /**
     * How many elements one batch of all inputs holds, or {@link Long#MAX_VALUE} when that overflows.
     */
    public long batchElements(int batchSize, Map<String, Integer> dimensions) {
        long total = 0;
        try {
            for (InputPlan plan : inputs) {
                long elements = Arrays.stream(resolveShape(plan.signature(), batchSize, dimensions))
                        .reduce(1, Math::multiplyExact);
                total = Math.addExact(total, elements);
            }
            return total;
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * One batch of inputs; the same seed gives the same values.
     *
     * @throws UnsupportedModelException when the batch would hold more than {@link #MAX_BATCH_ELEMENTS} elements
     */
    public List<HostTensor> batch(int batchSize, Map<String, Integer> dimensions, long seed) {
        long elements = batchElements(batchSize, dimensions);
        if (elements > MAX_BATCH_ELEMENTS) {
            throw new UnsupportedModelException("a batch of " + batchSize + " synthetic samples would hold "
                    + (elements == Long.MAX_VALUE ? "too many" : Long.toString(elements)) + " input elements (at most "
                    + MAX_BATCH_ELEMENTS + "); lower evaluation.batchSize or evaluation.dimensions");
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<HostTensor> batch = new ArrayList<>(inputs.size());
        for (InputPlan plan : inputs) {
            long[] shape = resolveShape(plan.signature(), batchSize, dimensions);
            int count = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
            batch.add(new HostTensor(plan.signature().name(), plan.type(), shape, values(plan, count, random)));
        }
        return batch;
    }

    private static long[] resolveShape(TensorSignature signature, int batchSize, Map<String, Integer> dimensions) {
        List<Dimension> dims = signature.shape();
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            Dimension dim = dims.get(i);
            if (dim.isFixed()) {
                shape[i] = dim.size();
            } else if (i == 0) {
                shape[i] = batchSize;
            } else {
                shape[i] = dimensions.getOrDefault(dim.symbol(), DEFAULT_DIMENSION);
            }
        }
        return shape;
    }

    private static Object values(InputPlan plan, int count, SplittableRandom random) {
        return switch (plan.type()) {
            case FLOAT32 -> {
                float[] v = new float[count];
                for (int i = 0; i < count; i++) {
                    v[i] = (float) random.nextGaussian();
                }
                yield v;
            }
            case FLOAT64 -> {
                double[] v = new double[count];
                for (int i = 0; i < count; i++) {
                    v[i] = random.nextGaussian();
                }
                yield v;
            }
            case INT64 -> {
                long[] v = new long[count];
                for (int i = 0; i < count; i++) {
                    v[i] = plan.indexBound().isPresent() ? random.nextLong(plan.indexBound().getAsLong()) : 1;
                }
                yield v;
            }
            case INT32 -> {
                int[] v = new int[count];
                for (int i = 0; i < count; i++) {
                    v[i] = plan.indexBound().isPresent()
                            ? (int) random.nextLong(Math.min(plan.indexBound().getAsLong(), Integer.MAX_VALUE)) : 1;
                }
                yield v;
            }
            case INT8, UINT8 -> {
                byte[] v = new byte[count];
                Arrays.fill(v, (byte) 1);
                yield v;
            }
            case BOOLEAN -> {
                boolean[] v = new boolean[count];
                Arrays.fill(v, true);
                yield v;
            }
        };
    }

    private static ElementType elementType(TensorSignature input) {
        return switch (DataType.forNumber(input.elementType())) {
            case FLOAT -> ElementType.FLOAT32;
            case DOUBLE -> ElementType.FLOAT64;
            case INT64 -> ElementType.INT64;
            case INT32 -> ElementType.INT32;
            case INT8 -> ElementType.INT8;
            case UINT8 -> ElementType.UINT8;
            case BOOL -> ElementType.BOOLEAN;
            case null, default -> throw new UnsupportedModelException("input '" + input.name() + "' has element type "
                    + input.elementTypeName() + "; synthetic inputs are made for FLOAT, DOUBLE, INT64, INT32,"
                    + " INT8, UINT8 and BOOL inputs");
        };
    }

    /** The number of rows of the smallest constant table the input indexes through Gather, if it indexes any. */
    private static OptionalLong indexBound(String input, GraphIndex index) {
        long bound = Long.MAX_VALUE;
        for (NodeProto consumer : index.consumers(input)) {
            if (consumer.getOpType().equals("Gather") && consumer.getInputCount() > 1
                    && consumer.getInput(1).equals(input)) {
                TensorProto table = index.initializer(consumer.getInput(0)).orElse(null);
                if (table != null && table.getDimsCount() > 0) {
                    long axis = OnnxNodes.intAttribute(consumer, "axis", 0);
                    int resolved = (int) (axis < 0 ? axis + table.getDimsCount() : axis);
                    bound = Math.min(bound, table.getDims(resolved));
                }
            }
        }
        return bound == Long.MAX_VALUE || bound < 1 ? OptionalLong.empty() : OptionalLong.of(bound);
    }
}
