package io.condenser.engine.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.condenser.engine.eval.HostTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs an {@link OnnxGraphBlock} on host tensors and brings the outputs back as float[] or long[]. */
public final class GraphRunner {

    private GraphRunner() {
    }

    public static List<Object> run(OnnxGraphBlock block, NDManager owner, List<HostTensor> inputs, boolean training) {
        try (NDManager manager = owner.newSubManager()) {
            NDList outputs = block.forward(new ParameterStore(manager, false), toNd(manager, inputs), training);
            List<Object> values = new ArrayList<>();
            for (NDArray output : outputs) {
                values.add(output.getDataType().isFloating() ? output.toType(DataType.FLOAT32, false).toFloatArray()
                        : output.toType(DataType.INT64, false).toLongArray());
            }
            return values;
        }
    }

    public static NDList toNd(NDManager manager, List<HostTensor> inputs) {
        NDList list = new NDList();
        for (HostTensor input : inputs) {
            Shape shape = new Shape(input.shape());
            list.add(switch (input.data()) {
                case float[] f -> manager.create(f, shape);
                case long[] l -> manager.create(l, shape);
                case int[] i -> manager.create(i, shape);
                case boolean[] b -> manager.create(b, shape);
                default -> throw new IllegalArgumentException("unsupported input " + input.name());
            });
        }
        return list;
    }

    /**
     * The largest relative difference over all outputs, |a − b| / max(|b|, floor): relative where values are large,
     * absolute (scaled by 1/floor) near zero, where float rounding of a cancellation is not an error.
     */
    public static double maxRelativeError(List<Object> actual, List<Object> expected, double floor) {
        if (actual.size() != expected.size()) {
            throw new AssertionError(actual.size() + " outputs, expected " + expected.size());
        }
        double max = 0;
        for (int o = 0; o < actual.size(); o++) {
            double[] a = doubles(actual.get(o));
            double[] b = doubles(expected.get(o));
            if (a.length != b.length) {
                throw new AssertionError("output " + o + " has " + a.length + " values, expected " + b.length);
            }
            for (int i = 0; i < a.length; i++) {
                if (Double.isNaN(a[i]) != Double.isNaN(b[i])) {
                    return Double.POSITIVE_INFINITY;
                }
                if (a[i] == b[i]) {
                    continue;
                }
                max = Math.max(max, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
            }
        }
        return max;
    }

    /** The largest |a − b| of each output over the largest |b| of that output, the worst of all outputs. */
    public static double maxScaledError(List<Object> actual, List<Object> expected) {
        double worst = 0;
        for (int o = 0; o < actual.size(); o++) {
            double[] a = doubles(actual.get(o));
            double[] b = doubles(expected.get(o));
            double difference = 0;
            double scale = 0;
            for (int i = 0; i < a.length; i++) {
                difference = Math.max(difference, Math.abs(a[i] - b[i]));
                scale = Math.max(scale, Math.abs(b[i]));
            }
            worst = Math.max(worst, scale == 0 ? difference : difference / scale);
        }
        return worst;
    }

    private static double[] doubles(Object values) {
        return switch (values) {
            case float[] f -> {
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                yield d;
            }
            case long[] l -> Arrays.stream(l).asDoubleStream().toArray();
            default -> throw new IllegalArgumentException(String.valueOf(values));
        };
    }
}
