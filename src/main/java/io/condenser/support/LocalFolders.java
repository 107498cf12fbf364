package io.condenser.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Local folders the service makes for a while (job work directories, unpacked archives, copies of stored files). */
public final class LocalFolders {

    private LocalFolders() {
    }

    /** Deletes the folder and everything in it (links are removed, never followed); an absent folder is fine. */
    public static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
