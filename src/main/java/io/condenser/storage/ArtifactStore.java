package io.condenser.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.core.io.Resource;

/**
 * Where model bytes live. Keys are relative, slash-separated names chosen by Condenser (never by users). Writes are
 * atomic: an object is either complete under its key or absent.
 */
public interface ArtifactStore {

    /**
     * Streams content into the store, hashing it on the way.
     *
     * @throws ArtifactTooLargeException when more than {@code maxBytes} arrive; nothing is kept
     */
    StoredArtifact write(String key, InputStream content, long maxBytes) throws IOException;

    /** Copies a local file into the store. */
    StoredArtifact writeFile(String key, Path file) throws IOException;

    /**
     * The object as a resource that supports streaming and byte ranges.
     *
     * @throws java.nio.file.NoSuchFileException when there is no object under the key
     */
    Resource read(String key) throws IOException;

    /**
     * A URL from which a client can download the object without passing through this service, valid for a short
     * while; empty unless the store is set up to hand such URLs out.
     *
     * @param contentDisposition the Content-Disposition the download is to be answered with
     */
    Optional<URI> directDownload(String key, String contentDisposition);

    /**
     * A local file with the object's bytes, for engines that need a path. Closing the copy removes whatever
     * temporary file was made for it.
     */
    default LocalCopy localCopy(String key) throws IOException {
        return localCopy(key, List.of());
    }

    /**
     * A local file with the object's bytes and, in the same local folder, the objects with the given names from the
     * object's folder: a model file and the external data files it names by relative path.
     */
    LocalCopy localCopy(String key, Collection<String> siblingNames) throws IOException;

    /**
     * Gives an object another key (a rename where the store can; a copy and delete where it cannot).
     *
     * @throws java.nio.file.FileAlreadyExistsException when an object already has the new key; both stay as they were
     */
    void move(String fromKey, String toKey) throws IOException;

    /** Removes the object; absent objects are ignored. */
    void delete(String key) throws IOException;

    /** @throws IOException when the store cannot take writes now (for the readiness probe) */
    void checkWritable() throws IOException;

    /** A local file holding an object's bytes. */
    interface LocalCopy extends AutoCloseable {
        Path path();

        @Override
        void close() throws IOException;
    }
}
