package io.condenser.model;

/** The model file formats Condenser accepts. */
public enum ModelFormat {
    ONNX,
    /** A TorchScript module as {@code torch.jit.save} writes it: inspected and trained on DJL's PyTorch engine. */
    TORCHSCRIPT;

    /** The extension of the stored file and of a download. */
    public String extension() {
        return this == ONNX ? ".onnx" : ".pt";
    }
}
