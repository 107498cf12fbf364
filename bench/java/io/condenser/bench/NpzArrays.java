package io.condenser.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Reads the float32 and int64 arrays of a NumPy .npz file (a zip of .npy files), as the corpus's MNIST split uses. */
final class NpzArrays {

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /** One array: its shape and its values as float[] ('<f4') or long[] ('<i8'). */
    record NpyArray(long[] shape, Object values) {
    }

    private NpzArrays() {
    }

    static Map<String, NpyArray> read(Path file) throws IOException {
        Map<String, NpyArray> arrays = new HashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                try (var in = zip.getInputStream(entry)) {
                    arrays.put(entry.getName().replaceAll("\\.npy$", ""), parse(in.readAllBytes()));
                }
            }
        }
        return arrays;
    }

    private static NpyArray parse(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerLength = major == 1 ? buffer.getShort(8) & 0xFFFF : buffer.getInt(8);
        int headerStart = major == 1 ? 10 : 12;
        String header = new String(bytes, headerStart, headerLength, StandardCharsets.US_ASCII);
        Matcher descr = DESCR.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find() || !shape.find() || header.contains("'fortran_order': True")) {
            throw new IllegalArgumentException("unsupported .npy header: " + header);
        }
        long[] dims = Arrays.stream(shape.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        int count = Math.toIntExact(Arrays.stream(dims).reduce(1, Math::multiplyExact));
        buffer.position(headerStart + headerLength);
        return switch (descr.group(1)) {
            case "<f4" -> {
                float[] values = new float[count];
                buffer.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                yield new NpyArray(dims, values);
            }
            case "<i8" -> {
                long[] values = new long[count];
                buffer.slice().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
                yield new NpyArray(dims, values);
            }
            default -> throw new IllegalArgumentException("unsupported dtype " + descr.group(1));
        };
    }
}
