package io.condenser.engine.eval;

/** A compressed model measured next to its original on the same device, inputs and runs. */
public record ComparisonReport(ModelMeasurement original, ModelMeasurement candidate, FidelityReport fidelity) {
}
