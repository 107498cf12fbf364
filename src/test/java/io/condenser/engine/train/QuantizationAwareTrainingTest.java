package io.condenser.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.quantize.Calibrator;
import io.condenser.engine.quantize.StaticQuantizationOptions;
import io.condenser.engine.quantize.StaticQuantizationPlan;
import io.condenser.testing.TestModels;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuantizationAwareTrainingTest {

    private static final RuntimeSettings RUNTIME = RuntimeSettings.cpu(1);

    @Test
    void theModelIsQuantizedWithThePostTrainingRangesBeforeAnyTrainingPass() throws IOException {
        ModelProto model = TestModels.mlp(6, 5, 3, 11);
        StaticQuantizationOptions options = StaticQuantizationOptions.defaults();
        float[] samples = TestModels.gaussian(new SplittableRandom(5), 32 * 6, 1.0);
        List<List<HostTensor>> calibration = List.of(List.of(new HostTensor("input", HostTensor.ElementType.FLOAT32,
                new long[] {32, 6}, samples)));

        QuantizationAwareTraining.Prepared prepared = QuantizationAwareTraining.prepare(model, options, RUNTIME,
                calibration, TaskMonitor.NONE);

        StaticQuantizationPlan plan = StaticQuantizationPlan.of(prepared.model(), options);
        // Epoch 0 of a run keeping its best weights is then measured as the post-training quantized model computes.
        assertThat(prepared.fakeQuantization().observedRanges()).containsKey("a1")
                .isEqualTo(new Calibrator(RUNTIME).calibrate(prepared.model(), plan.calibratedTensors(), calibration,
                        options.calibration(), TaskMonitor.NONE));
    }
}
