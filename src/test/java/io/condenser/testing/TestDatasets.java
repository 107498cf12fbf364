package io.condenser.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** NumPy files written in code, byte for byte as {@code np.save} and {@code np.savez} write them. */
public final class TestDatasets {

    private TestDatasets() {
    }

    /** An .npy array: {@code descriptor} like "&lt;f4", values already little-endian encoded. */
    public static byte[] npy(String descriptor, long[] shape, byte[] data) {
        return npy("{'descr': '" + descriptor + "', 'fortran_order': False, 'shape': " + shapeText(shape) + ", }",
                data);
    }

    /** An .npy array with a header dict given as text (for malformed headers). */
    public static byte[] npy(String dict, byte[] data) {
        int unpadded = 10 + dict.length() + 1;
        String padded = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.writeBytes(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) padded.length())
                .array());
        out.writeBytes(padded.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }

    public static byte[] floats(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    public static byte[] longs(long... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values);
        return buffer.array();
    }

    /** x as float32 [rows, columns] (row-major values). */
    public static byte[] xArray(float[] values, long... shape) {
        return npy("<f4", shape, floats(values));
    }

    public static byte[] yArray(long... labels) {
        return npy("<i8", new long[] {labels.length}, longs(labels));
    }

    /** An .npz archive of the given entries (names without ".npy"), deflated as np.savez_compressed does or stored. */
    public static byte[] npz(Map<String, byte[]> arrays, boolean compressed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> array : arrays.entrySet()) {
                ZipEntry entry = new ZipEntry(array.getKey() + ".npy");
                if (!compressed) {
                    CRC32 crc = new CRC32();
                    crc.update(array.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(array.getValue().length);
                    entry.setCompressedSize(array.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(array.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * An .npz whose one entry, x, is deflated but cut short before the stream's last block, with a directory that
     * agrees: what an interrupted writer leaves. Reading it ends in an EOFException, not a ZipException.
     */
    public static byte[] npzWithTruncatedDeflate(byte[] x) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(x);
        deflater.finish();
        byte[] buffer = new byte[x.length + 1024];
        int full = deflater.deflate(buffer);
        deflater.end();
        byte[] data = Arrays.copyOf(buffer, Math.max(1, full / 2));
        CRC32 crc = new CRC32();
        crc.update(x);
        byte[] name = "x.npy".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer zip = ByteBuffer.allocate(30 + name.length + data.length + 46 + name.length + 22)
                .order(ByteOrder.LITTLE_ENDIAN);
        zip.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 8).putInt(0)
                .putInt((int) crc.getValue()).putInt(data.length).putInt(x.length).putShort((short) name.length)
                .putShort((short) 0).put(name).put(data);
        int directory = zip.position();
        zip.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 8)
                .putInt(0).putInt((int) crc.getValue()).putInt(data.length).putInt(x.length)
                .putShort((short) name.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putInt(0).putInt(0).put(name);
        int directoryBytes = zip.position() - directory;
        zip.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
                .putInt(directoryBytes).putInt(directory).putShort((short) 0);
        return zip.array();
    }

    /** A labelled dataset: x [n, features], y [n]. */
    public static byte[] labelled(float[] x, int features, long[] y, boolean compressed) {
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("x", xArray(x, y.length, features));
        arrays.put("y", yArray(y));
        return npz(arrays, compressed);
    }

    private static String shapeText(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
    }

    /**
     * Labels a randomly initialized classifier does not know but can learn: each sample's class is the index of the
     * largest of its first {@code classes} features.
     */
    public static long[] largestFeatureLabels(float[] x, int features, int classes) {
        long[] y = new long[x.length / features];
        for (int i = 0; i < y.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (x[i * features + c] > x[i * features + best]) {
                    best = c;
                }
            }
            y[i] = best;
        }
        return y;
    }
}
