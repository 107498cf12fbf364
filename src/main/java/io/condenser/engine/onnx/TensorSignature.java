package io.condenser.engine.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;

/** A graph input's or output's name, element type and shape as the model declares them. */
public record TensorSignature(String name, int elementType, List<Dimension> shape) {

    /** One dimension: a fixed size, a named (symbolic) size, or unknown. */
    public record Dimension(long size, String symbol) {
        public boolean isFixed() {
            return size > 0;
        }

        @Override
        public String toString() {
            if (isFixed()) {
                return Long.toString(size);
            }
            return symbol.isEmpty() ? "?" : symbol;
        }
    }

    public TensorSignature {
        shape = List.copyOf(shape);
    }

    public String elementTypeName() {
        DataType type = DataType.forNumber(elementType);
        return type == null ? "UNKNOWN(" + elementType + ")" : type.name();
    }

    static TensorSignature of(ValueInfoProto info) {
        if (!info.getType().hasTensorType()) {
            return new TensorSignature(info.getName(), DataType.UNDEFINED_VALUE, List.of());
        }
        var tensorType = info.getType().getTensorType();
        List<Dimension> dims = tensorType.getShape().getDimList().stream()
                .map(d -> new Dimension(d.hasDimValue() ? d.getDimValue() : 0, d.hasDimParam() ? d.getDimParam() : ""))
                .toList();
        return new TensorSignature(info.getName(), tensorType.getElemType(), dims);
    }
}
