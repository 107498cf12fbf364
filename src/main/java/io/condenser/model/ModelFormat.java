package io.condenser.model;

/** The model file formats Condenser accepts. */
public enum ModelFormat {
    ONNX
}
