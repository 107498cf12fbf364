package io.condenser.testing;

import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.eval.OnnxRuntimeModel;
import io.condenser.engine.eval.RuntimeSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** What a classifier predicts, run in ONNX Runtime: for labelling test data with known accuracy. */
public final class Predictions {

    private Predictions() {
    }

    /** The arg-max class of each sample; the model's input is "input" [batch, features], its output [batch, classes]. */
    public static long[] of(Path modelFile, float[] x, int samples, int features) throws IOException {
        return of(modelFile, "input", new long[] {samples, features}, x);
    }

    /** The arg-max class of each sample of an input of any shape [samples, …]; the output is [batch, classes]. */
    public static long[] of(Path modelFile, String inputName, long[] shape, float[] x) throws IOException {
        int samples = (int) shape[0];
        try (OnnxRuntimeModel model = OnnxRuntimeModel.load(modelFile, RuntimeSettings.cpu(1))) {
            HostTensor input = new HostTensor(inputName, HostTensor.ElementType.FLOAT32, shape, x);
            HostTensor scores = model.run(List.of(input)).getFirst();
            int classes = (int) scores.shape()[1];
            long[] best = new long[samples];
            for (int s = 0; s < samples; s++) {
                for (int c = 1; c < classes; c++) {
                    if (scores.value(s * classes + c) > scores.value(s * classes + (int) best[s])) {
                        best[s] = c;
                    }
                }
            }
            return best;
        }
    }
}
