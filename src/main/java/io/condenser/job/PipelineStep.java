package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import java.io.IOException;
import java.util.List;

/** One configured step of a job's pipeline: a model in, a model out, and counters of what it did. */
public interface PipelineStep {

    Outcome apply(ModelProto model, TaskMonitor monitor) throws IOException;

    /**
     * @param counters what the step did (e.g. quantizedNodes), reported with the job's metrics
     */
    record Outcome(ModelProto model, List<StepCounter> counters) {
        public Outcome {
            counters = List.copyOf(counters);
        }
    }
}
