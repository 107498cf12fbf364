package io.condenser.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} array (format versions 1 to 3): element type, shape, and the header's length.
 * Written by hand because the format is a magic string, a length and a Python dict literal of three keys; no Java
 * library of the field reads it without loading the whole array.
 *
 * @param headerBytes bytes before the array data (magic, version, length field, dict, padding)
 */
public record NpyHeader(NpyElementType type, long[] shape, long headerBytes) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_DICT_BYTES = 64 * 1024;
    private static final Pattern DESCRIPTOR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN_ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    public NpyHeader {
        shape = shape.clone();
    }

    /**
     * Reads the header from the start of an array's bytes; the stream is left at the first data byte.
     *
     * @param what the array's role in messages, e.g. "x"
     */
    public static NpyHeader read(InputStream in, String what) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length + 2);
        if (magic.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(magic, MAGIC.length), MAGIC)) {
            throw new InvalidDatasetException(what + " is not a NumPy .npy array (no \\x93NUMPY magic)");
        }
        int major = magic[MAGIC.length];
        int lengthBytes = switch (major) {
            case 1 -> 2;
            case 2, 3 -> 4;
            default -> throw new InvalidDatasetException(what + " uses .npy format version " + major
                    + "; versions 1 to 3 are read");
        };
        byte[] lengthField = in.readNBytes(lengthBytes);
        if (lengthField.length < lengthBytes) {
            throw new InvalidDatasetException(what + " ends inside its .npy header");
        }
        ByteBuffer length = ByteBuffer.wrap(lengthField).order(ByteOrder.LITTLE_ENDIAN);
        long dictLength = lengthBytes == 2 ? Short.toUnsignedInt(length.getShort())
                : Integer.toUnsignedLong(length.getInt());
        if (dictLength > MAX_DICT_BYTES) {
            throw new InvalidDatasetException(what + " has a .npy header of " + dictLength + " bytes");
        }
        byte[] dict = in.readNBytes((int) dictLength);
        if (dict.length < dictLength) {
            throw new InvalidDatasetException(what + " ends inside its .npy header");
        }
        String text = new String(dict, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return new NpyHeader(elementType(text, what), shape(text, what), MAGIC.length + 2 + lengthBytes + dictLength);
    }

    /** Whether the bytes begin like a .npy array (as far as they go). */
    static boolean startsWithMagic(byte[] head) {
        int length = Math.min(head.length, MAGIC.length);
        return length > 0 && Arrays.equals(Arrays.copyOf(head, length), Arrays.copyOf(MAGIC, length));
    }

    public long elementCount() {
        long count = 1;
        for (long dimension : shape) {
            count = Math.multiplyExact(count, dimension);
        }
        return count;
    }

    public long dataBytes() {
        return Math.multiplyExact(elementCount(), type.size());
    }

    private static NpyElementType elementType(String dict, String what) {
        Matcher descriptor = DESCRIPTOR.matcher(dict);
        if (!descriptor.find()) {
            throw new InvalidDatasetException(what + " has a structured or unreadable dtype; save a plain array");
        }
        Matcher fortran = FORTRAN_ORDER.matcher(dict);
        if (!fortran.find()) {
            throw new InvalidDatasetException(what + " has no fortran_order in its .npy header");
        }
        if (fortran.group(1).equals("True")) {
            throw new InvalidDatasetException(what + " is stored in Fortran order; save np.ascontiguousarray(" + what
                    + ")");
        }
        String found = descriptor.group(1);
        return NpyElementType.ofDescriptor(found).orElseThrow(() -> new InvalidDatasetException(what
                + " has dtype '" + found + "'; expected float32 ('<f4') for x and int64 ('<i8') for y"));
    }

    private static long[] shape(String dict, String what) {
        Matcher shape = SHAPE.matcher(dict);
        if (!shape.find()) {
            throw new InvalidDatasetException(what + " has no shape in its .npy header");
        }
        String[] parts = Arrays.stream(shape.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .toArray(String[]::new);
        long[] dims = new long[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                dims[i] = Long.parseLong(parts[i]);
                if (dims[i] < 0) {
                    throw new NumberFormatException();
                }
            }
        } catch (NumberFormatException e) {
            throw new InvalidDatasetException(what + " has an unreadable shape (" + shape.group(1) + ")");
        }
        return dims;
    }
}
