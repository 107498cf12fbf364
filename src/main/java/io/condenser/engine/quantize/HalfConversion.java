package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.condenser.engine.onnx.OnnxTensors;
import java.nio.FloatBuffer;

/**
 * Converts float values to IEEE half precision (round to nearest even), clamping values beyond ±65504 to ±65504 so
 * that the conversion never introduces an infinity, and counting what it changed.
 */
final class HalfConversion {

    /** The largest finite half-precision value. */
    static final float MAX = 65504f;

    private long values;
    private long clamped;
    private long flushedToZero;

    short toHalf(float value) {
        values++;
        float representable = value;
        if (Float.isFinite(value) && Math.abs(value) > MAX) {
            clamped++;
            representable = Math.copySign(MAX, value);
        }
        short half = Float.floatToFloat16(representable);
        if (representable != 0 && Float.isFinite(representable) && (half & 0x7FFF) == 0) {
            flushedToZero++;
        }
        return half;
    }

    /** The FLOAT tensor as a FLOAT16 tensor of the same name and shape. */
    TensorProto convert(TensorProto tensor) {
        FloatBuffer source = OnnxTensors.floats(tensor);
        short[] halves = new short[source.remaining()];
        for (int i = 0; i < halves.length; i++) {
            halves[i] = toHalf(source.get(i));
        }
        long[] dims = tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
        return OnnxTensors.float16Tensor(tensor.getName(), dims, halves);
    }

    long values() {
        return values;
    }

    long clamped() {
        return clamped;
    }

    long flushedToZero() {
        return flushedToZero;
    }
}
