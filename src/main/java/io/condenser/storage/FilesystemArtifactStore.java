package io.condenser.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/** The default store: files under a root directory; writes land in a temporary file that is then moved into place. */
public final class FilesystemArtifactStore implements ArtifactStore {

    private static final String TEMPORARY_DIRECTORY = ".partial";

    private final Path root;

    public FilesystemArtifactStore(Path root) throws IOException {
        this.root = Files.createDirectories(root).toRealPath();
        Files.createDirectories(this.root.resolve(TEMPORARY_DIRECTORY));
    }

    @Override
    public StoredArtifact write(String key, InputStream content, long maxBytes) throws IOException {
        Path target = resolve(key);
        Path partial = root.resolve(TEMPORARY_DIRECTORY).resolve(UUID.randomUUID() + ".part");
        MessageDigest sha256 = Sha256.newDigest();
        long size = 0;
        try {
            try (OutputStream out = Files.newOutputStream(partial)) {
                byte[] buffer = new byte[1 << 16];
                int read;
                while ((read = content.read(buffer)) != -1) {
                    size += read;
                    if (size > maxBytes) {
                        throw new ArtifactTooLargeException(maxBytes);
                    }
                    sha256.update(buffer, 0, read);
                    out.write(buffer, 0, read);
                }
            }
            Files.createDirectories(target.getParent());
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return new StoredArtifact(key, size, Sha256.hex(sha256));
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    @Override
    public StoredArtifact writeFile(String key, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return write(key, in, Long.MAX_VALUE);
        }
    }

    @Override
    public Resource read(String key) throws IOException {
        Path path = resolve(key);
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(key);
        }
        return new FileSystemResource(path);
    }

    /** Downloads pass through the service: a filesystem has no URLs of its own. */
    @Override
    public Optional<URI> directDownload(String key, String contentDisposition) {
        return Optional.empty();
    }

    /** The stored files themselves: the siblings already lie next to the object, so nothing is copied. */
    @Override
    public LocalCopy localCopy(String key, Collection<String> siblingNames) throws IOException {
        List<String> siblingKeys = siblingNames.stream().map(name -> ArtifactKeys.sibling(key, name)).toList();
        Path path = resolve(key);
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(key);
        }
        for (String siblingKey : siblingKeys) {
            if (!Files.isRegularFile(resolve(siblingKey))) {
                throw new NoSuchFileException(siblingKey);
            }
        }
        return new LocalCopy() {
            @Override
            public Path path() {
                return path;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void move(String fromKey, String toKey) throws IOException {
        Path target = resolve(toKey);
        Files.createDirectories(target.getParent());
        // An atomic move replaces an existing target on Linux; a move never overwrites another object.
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(toKey);
        }
        Files.move(resolve(fromKey), target, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void delete(String key) throws IOException {
        Path path = resolve(key);
        Files.deleteIfExists(path);
        Path parent = path.getParent();
        while (parent != null && !parent.equals(root) && isEmptyDirectory(parent)) {
            Files.deleteIfExists(parent);
            parent = parent.getParent();
        }
    }

    @Override
    public void checkWritable() throws IOException {
        Path temporary = root.resolve(TEMPORARY_DIRECTORY);
        if (!Files.isDirectory(temporary) || !Files.isWritable(temporary)) {
            throw new IOException("the artifact directory " + temporary + " is missing or not writable");
        }
    }

    private Path resolve(String key) {
        if (ArtifactKeys.check(key).startsWith(TEMPORARY_DIRECTORY)) {
            throw new IllegalArgumentException("not a valid artifact key: " + key);
        }
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("artifact key escapes the store: " + key);
        }
        return path;
    }

    private static boolean isEmptyDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (var entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        }
    }
}
