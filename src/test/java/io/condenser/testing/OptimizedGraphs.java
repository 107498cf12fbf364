package io.condenser.testing;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.condenser.engine.onnx.OnnxModelFiles;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What ONNX Runtime makes of a model: the operator counts of the graph it runs after its own (extended) optimizations,
 * read from the optimized model file it writes. Shows whether quantized groups were really fused into integer kernels.
 */
public final class OptimizedGraphs {

    private OptimizedGraphs() {
    }

    /** Operator counts of the optimized graph; custom-domain operators are prefixed with their domain. */
    public static Map<String, Integer> operators(Path model, Path optimizedFile) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
            options.setOptimizedModelFilePath(optimizedFile.toString());
            options.setIntraOpNumThreads(1);
            try (OrtSession ignored = environment.createSession(model.toString(), options)) {
                Map<String, Integer> operators = new TreeMap<>();
                for (NodeProto node : OnnxModelFiles.read(optimizedFile).getGraph().getNodeList()) {
                    String key = node.getDomain().isEmpty() ? node.getOpType()
                            : node.getDomain() + "." + node.getOpType();
                    operators.merge(key, 1, Integer::sum);
                }
                return operators;
            }
        }
    }
}
