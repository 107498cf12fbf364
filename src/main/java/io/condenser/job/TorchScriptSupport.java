package io.condenser.job;

import io.condenser.engine.TaskMonitor;
import io.condenser.engine.train.TorchScriptModel;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link StepDefinition} implements when it can also run on a TorchScript model. The pipeline of an ONNX model
 * rewrites its graph; a TorchScript module has no graph Condenser can rewrite, only parameters DJL can train, so its
 * steps change the loaded module in place. A step that does not implement this needs an ONNX model.
 */
interface TorchScriptSupport {

    /** Why the method cannot run on a TorchScript model with these datasets, if it cannot. */
    Optional<String> whyNotApplicableToTorchScript(StepArguments arguments, JobDatasets datasets);

    Step createForTorchScript(StepArguments arguments, StepContext context);

    /** One configured step on a TorchScript model. */
    interface Step {

        /** Changes the model in place and returns counters of what it did. */
        List<StepCounter> apply(TorchScriptModel model, TaskMonitor monitor) throws IOException;
    }
}
