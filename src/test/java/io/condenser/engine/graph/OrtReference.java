package io.condenser.engine.graph;

import ai.djl.engine.Engine;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.condenser.engine.eval.DjlSettings;
import io.condenser.engine.eval.HostTensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs a model in ONNX Runtime with graph optimizations off, so that each operator computes what the spec says. */
public final class OrtReference {

    private OrtReference() {
    }

    /** Outputs in graph order, as float[] (float outputs) or long[] (integer and boolean outputs). */
    public static List<Object> run(ModelProto model, List<HostTensor> inputs) {
        // DJL's OnnxRuntime engine creates the process's one environment; start it first and share it.
        DjlSettings.apply();
        Engine.getEngine("OnnxRuntime");
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(1);
            try (OrtSession session = environment.createSession(model.toByteArray(), options)) {
                Map<String, OnnxTensor> feeds = new HashMap<>();
                try {
                    for (HostTensor input : inputs) {
                        feeds.put(input.name(), tensor(environment, input));
                    }
                    try (OrtSession.Result result = session.run(feeds)) {
                        List<Object> outputs = new ArrayList<>();
                        for (int o = 0; o < result.size(); o++) {
                            outputs.add(values((OnnxTensor) result.get(o)));
                        }
                        return outputs;
                    }
                } finally {
                    feeds.values().forEach(OnnxTensor::close);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OnnxTensor tensor(OrtEnvironment environment, HostTensor input) throws OrtException {
        return switch (input.data()) {
            case float[] f -> OnnxTensor.createTensor(environment, FloatBuffer.wrap(f), input.shape());
            case long[] l -> OnnxTensor.createTensor(environment, LongBuffer.wrap(l), input.shape());
            case int[] i -> OnnxTensor.createTensor(environment, IntBuffer.wrap(i), input.shape());
            case boolean[] b -> {
                byte[] bytes = new byte[b.length];
                for (int i = 0; i < b.length; i++) {
                    bytes[i] = (byte) (b[i] ? 1 : 0);
                }
                yield OnnxTensor.createTensor(environment, ByteBuffer.wrap(bytes), input.shape(),
                        ai.onnxruntime.OnnxJavaType.BOOL);
            }
            default -> throw new IllegalArgumentException("unsupported input " + input.name());
        };
    }

    private static Object values(OnnxTensor tensor) {
        return switch (tensor.getInfo().type) {
            case FLOAT -> tensor.getFloatBuffer().array();
            case INT64 -> tensor.getLongBuffer().array();
            case INT32 -> tensor.getIntBuffer().array() == null ? null
                    : java.util.Arrays.stream(tensor.getIntBuffer().array()).asLongStream().toArray();
            case BOOL, UINT8, INT8 -> {
                ByteBuffer bytes = tensor.getByteBuffer();
                long[] values = new long[bytes.remaining()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = tensor.getInfo().type == ai.onnxruntime.OnnxJavaType.INT8 ? bytes.get(i)
                            : bytes.get(i) & 0xFF;
                }
                yield values;
            }
            default -> throw new IllegalArgumentException("unsupported output type " + tensor.getInfo().type);
        };
    }
}
