package io.condenser.engine.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * What a zip archive's end record declares, read before {@link java.util.zip.ZipFile} opens it: ZipFile loads the whole
 * central directory into memory, which a crafted upload can make as large as the upload itself.
 *
 * @param entries        the entries the archive declares
 * @param directoryBytes the size of its central directory
 */
public record ZipDirectory(int entries, long directoryBytes) {

    private static final int END_RECORD = 0x06054b50;
    private static final int END_RECORD_BYTES = 22;

    /** The end record's declarations, or empty when the file has none (not a readable zip archive). */
    public static Optional<ZipDirectory> read(Path file) throws IOException {
        long size = Files.size(file);
        int tail = (int) Math.min(size, END_RECORD_BYTES + 0xFFFF);
        ByteBuffer end = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int read;
            do {
                read = channel.read(end, size - tail + end.position());
            } while (read > 0 && end.hasRemaining());
        }
        for (int at = end.position() - END_RECORD_BYTES; at >= 0; at--) {
            // The real end record's comment runs to the end of the file; a signature inside a comment is not one.
            if (end.getInt(at) == END_RECORD
                    && at + END_RECORD_BYTES + Short.toUnsignedInt(end.getShort(at + 20)) == end.position()) {
                return Optional.of(new ZipDirectory(Short.toUnsignedInt(end.getShort(at + 10)),
                        Integer.toUnsignedLong(end.getInt(at + 12))));
            }
        }
        return Optional.empty();
    }
}
