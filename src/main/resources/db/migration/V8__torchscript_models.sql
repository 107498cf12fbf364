-- TorchScript models (.pt, as torch.jit.save writes them) are stored next to ONNX models.
ALTER TABLE models DROP CONSTRAINT models_format_check;
ALTER TABLE models ADD CONSTRAINT models_format_check CHECK (format IN ('ONNX', 'TORCHSCRIPT'));
