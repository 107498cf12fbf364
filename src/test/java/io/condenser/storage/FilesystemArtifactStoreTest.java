package io.condenser.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

class FilesystemArtifactStoreTest extends ArtifactStoreContract {

    @TempDir
    Path root;

    private FilesystemArtifactStore store;

    @BeforeEach
    void openStore() throws IOException {
        store = new FilesystemArtifactStore(root);
    }

    @Override
    ArtifactStore store() {
        return store;
    }

    @Override
    int partBytes() {
        return 64 * 1024;
    }

    @Override
    void assertNoUnfinishedWrites() throws IOException {
        try (Stream<Path> partial = Files.list(root.resolve(".partial"))) {
            assertThat(partial).isEmpty();
        }
    }

    /** A filesystem copy is the stored file itself: nothing was made, nothing is removed. */
    @Override
    void assertLocalCopyReleased(Path copy) throws IOException {
        assertThat(copy.toRealPath()).startsWith(root.toRealPath());
    }
}
