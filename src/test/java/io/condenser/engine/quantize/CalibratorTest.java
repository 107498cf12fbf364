package io.condenser.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.onnx.OnnxGraphBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CalibratorTest {

    /** x → Relu → r → Mul(-2) → y: the calibrated tensors are a graph input and an intermediate tensor. */
    private static final ModelProto MODEL = OnnxGraphBuilder.create("relu", 17)
            .input("x", DataType.FLOAT, "batch", 3)
            .floatInitializer("factor", new long[0], new float[] {-2f})
            .node("Relu", List.of("x"), List.of("r"))
            .node("Mul", List.of("r", "factor"), List.of("y"))
            .output("y", DataType.FLOAT, "batch", 3)
            .build();

    private static final List<List<HostTensor>> DATA = List.of(
            List.of(batch(-1.5f, 0.25f, 2f, 0.5f, -0.5f, 1f)),
            List.of(batch(3f, -4f, 0f, 1f, 1f, 1f)));

    private final Calibrator calibrator = new Calibrator(RuntimeSettings.cpu(1));

    @Test
    void minMaxOfAGraphInputAndAnIntermediateTensor() throws Exception {
        Map<String, TensorRange> ranges = calibrator.calibrate(MODEL, List.of("x", "r"), DATA,
                CalibrationOptions.of(CalibrationMethod.MIN_MAX), TaskMonitor.NONE);

        assertThat(ranges).containsEntry("x", new TensorRange(-4f, 3f)).containsEntry("r", new TensorRange(0f, 3f));
    }

    @Test
    void minMaxReadsTheDataOnceAndTheHistogramMethodsTwice() throws Exception {
        AtomicInteger passes = new AtomicInteger();
        Iterable<List<HostTensor>> counted = () -> {
            passes.incrementAndGet();
            return DATA.iterator();
        };
        calibrator.calibrate(MODEL, List.of("r"), counted, CalibrationOptions.of(CalibrationMethod.MIN_MAX),
                TaskMonitor.NONE);
        assertThat(passes).hasValue(1);

        passes.set(0);
        Map<String, TensorRange> ranges = calibrator.calibrate(MODEL, List.of("r"), counted,
                CalibrationOptions.of(CalibrationMethod.PERCENTILE), TaskMonitor.NONE);
        assertThat(passes).hasValue(2);
        assertThat(ranges.get("r").min()).isZero();
        assertThat(ranges.get("r").max()).isBetween(2.9f, 3f);
    }

    @Test
    void noCalibrationDataIsRefused() {
        assertThatThrownBy(() -> calibrator.calibrate(MODEL, List.of("r"), List.of(),
                CalibrationOptions.of(CalibrationMethod.MIN_MAX), TaskMonitor.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no calibration data");
    }

    private static HostTensor batch(float... values) {
        return new HostTensor("x", HostTensor.ElementType.FLOAT32, new long[] {values.length / 3, 3}, values);
    }
}
