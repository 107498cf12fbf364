package io.condenser.engine.data;

import java.util.Arrays;
import java.util.Optional;

/** The NumPy element types a dataset may hold: little-endian float32 samples and int64 labels. */
public enum NpyElementType {
    FLOAT32("<f4", 4),
    INT64("<i8", 8);

    private final String descriptor;
    private final int size;

    NpyElementType(String descriptor, int size) {
        this.descriptor = descriptor;
        this.size = size;
    }

    public String descriptor() {
        return descriptor;
    }

    public int size() {
        return size;
    }

    static Optional<NpyElementType> ofDescriptor(String descriptor) {
        return Arrays.stream(values()).filter(t -> t.descriptor.equals(descriptor)).findFirst();
    }
}
