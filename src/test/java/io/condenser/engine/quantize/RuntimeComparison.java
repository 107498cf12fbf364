package io.condenser.engine.quantize;

import ai.djl.engine.Engine;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.eval.DjlSettings;
import io.condenser.engine.eval.EvaluationSettings;
import io.condenser.engine.eval.FidelityReport;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.eval.ModelComparison;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.eval.SyntheticInputs;
import io.condenser.engine.onnx.ModelValidator;
import io.condenser.testing.TestModels;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs two models in ONNX Runtime on the same synthetic inputs and reports how closely their outputs agree. */
final class RuntimeComparison {

    private static final EvaluationSettings SETTINGS = new EvaluationSettings(64, 16, 1, 0, Map.of(), 7);

    private RuntimeComparison() {
    }

    /**
     * Validates the candidate, writes both models under {@code dir} and compares their outputs as Condenser's
     * evaluation runs them (all graph optimizations on).
     */
    static FidelityReport compare(Path dir, ModelProto reference, ModelProto candidate) throws IOException {
        ModelValidator.validate(candidate);
        Path referenceFile = TestModels.write(reference, Files.createTempFile(dir, "reference", ".onnx"));
        Path candidateFile = TestModels.write(candidate, Files.createTempFile(dir, "candidate", ".onnx"));
        return new ModelComparison(RuntimeSettings.cpu(1))
                .compare(referenceFile, candidateFile, SETTINGS, TaskMonitor.NONE).fidelity();
    }

    /**
     * The largest difference between the two models' float outputs with ONNX Runtime's graph optimizations off, so
     * that each operator computes what the ONNX spec says. (Optimized, ONNX Runtime fuses DequantizeLinear + MatMul
     * into MatMulNBits, which quantizes the activations too.)
     */
    static double exactDifference(ModelProto reference, ModelProto candidate) throws OrtException {
        ModelValidator.validate(candidate);
        List<HostTensor> inputs = SyntheticInputs.of(reference).batch(16, Map.of(), 11);
        float[][] expected = run(reference, inputs);
        float[][] actual = run(candidate, inputs);
        double max = 0;
        for (int o = 0; o < expected.length; o++) {
            for (int i = 0; i < expected[o].length; i++) {
                max = Math.max(max, Math.abs(expected[o][i] - actual[o][i]));
            }
        }
        return max;
    }

    /** Whether ONNX Runtime creates a session for the model (inputs of any type, nothing is run). */
    static void load(ModelProto model) throws OrtException {
        startEngine();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = OrtEnvironment.getEnvironment().createSession(model.toByteArray(), options)) {
            session.getInputNames();
        }
    }

    static long fileSize(Path dir, ModelProto model) throws IOException {
        return Files.size(TestModels.write(model, Files.createTempFile(dir, "sized", ".onnx")));
    }

    private static float[][] run(ModelProto model, List<HostTensor> inputs) throws OrtException {
        startEngine();
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession session = environment.createSession(model.toByteArray(), options)) {
                Map<String, OnnxTensor> feeds = new HashMap<>();
                try {
                    for (HostTensor input : inputs) {
                        feeds.put(input.name(), switch (input.data()) {
                            case float[] f -> OnnxTensor.createTensor(environment, FloatBuffer.wrap(f), input.shape());
                            case long[] l -> OnnxTensor.createTensor(environment, LongBuffer.wrap(l), input.shape());
                            default -> throw new IllegalArgumentException("unsupported input " + input.name());
                        });
                    }
                    try (OrtSession.Result result = session.run(feeds)) {
                        float[][] outputs = new float[result.size()][];
                        for (int o = 0; o < result.size(); o++) {
                            OnnxValue value = result.get(o);
                            outputs[o] = ((OnnxTensor) value).getFloatBuffer().array();
                        }
                        return outputs;
                    }
                } finally {
                    feeds.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    /**
     * DJL's engine creates the process's one ONNX Runtime environment with its own thread pool and fails when one
     * exists already: start it first, then share its environment.
     */
    private static void startEngine() {
        DjlSettings.apply();
        Engine.getEngine("OnnxRuntime");
    }
}
