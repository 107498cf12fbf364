package io.condenser.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Copies model files that Maven artifacts ship as class-path resources to a directory, once. */
final class ClasspathModels {

    private ClasspathModels() {
    }

    static Path extract(String resource, Path directory) throws IOException {
        Path target = directory.resolve(resource);
        if (Files.exists(target)) {
            return target;
        }
        try (InputStream in = ClasspathModels.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the class path; run through bench/run (profile bench)");
            }
            Files.createDirectories(directory);
            Path partial = directory.resolve(resource + ".partial");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        }
        return target;
    }
}
