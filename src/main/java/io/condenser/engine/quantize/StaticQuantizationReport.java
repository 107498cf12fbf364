package io.condenser.engine.quantize;

/**
 * What static quantization did.
 *
 * @param operators           quantized nodes of each operator type (data movement on quantized tensors included)
 *                            and the candidates left in float with the reasons, batch norms that were not folded
 *                            among them
 * @param foldedBatchNorms    BatchNormalization nodes folded into the Conv/Gemm before them
 * @param absorbedActivations Relu/Clip nodes whose effect the quantization of their input took over
 * @param calibratedTensors   tensors whose ranges were measured on the calibration data
 * @param calibration         how the ranges were chosen
 */
public record StaticQuantizationReport(QuantizationReport operators, int foldedBatchNorms, int absorbedActivations,
                                       int calibratedTensors, CalibrationMethod calibration) {
}
