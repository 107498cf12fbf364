package io.condenser.engine.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void anEndRecordHiddenInTheCommentIsNotTakenForTheRealOne() throws IOException {
        // A fake end record declaring one entry, whose own comment would run past the end of the file.
        byte[] fake = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN).putInt(0x06054b50).putShort((short) 0)
                .putShort((short) 0).putShort((short) 1).putShort((short) 1).putInt(0).putInt(0)
                .putShort((short) 1000).array();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String name : new String[] {"a", "b", "c"}) {
                zip.putNextEntry(new ZipEntry(name));
                zip.closeEntry();
            }
            zip.setComment(new String(fake, StandardCharsets.ISO_8859_1));
        }
        Path file = Files.write(dir.resolve("hidden.zip"), bytes.toByteArray());

        assertThat(ZipDirectory.read(file)).hasValueSatisfying(d -> assertThat(d.entries()).isEqualTo(3));
        assertThat(ZipDirectory.read(Files.write(dir.resolve("text"), "no zip".getBytes()))).isEmpty();
    }
}
