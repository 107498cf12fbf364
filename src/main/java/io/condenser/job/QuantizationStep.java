package io.condenser.job;

/** A method of the {@code quantize} step type, selected by the step's {@code mode} field. */
abstract class QuantizationStep implements StepDefinition {

    @Override
    public final String type() {
        return "quantize";
    }

    @Override
    public final String selectorField() {
        return "mode";
    }
}
