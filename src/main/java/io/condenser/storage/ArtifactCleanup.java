package io.condenser.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Removes stored objects in step with the rows that point at them: a file goes once the row's deletion committed, and
 * a file written for a row that never committed goes too. Either way no row points at a missing file.
 */
@Component
public class ArtifactCleanup {

    private static final Logger log = LoggerFactory.getLogger(ArtifactCleanup.class);

    private final ArtifactStore store;

    public ArtifactCleanup(ArtifactStore store) {
        this.store = store;
    }

    /** Deletes the object once the current transaction commits. */
    public void deleteAfterCommit(String key) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                deleteQuietly(key);
            }
        });
    }

    /** Deletes the object if the current transaction rolls back. */
    public void deleteUnlessCommitted(String key) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status != STATUS_COMMITTED) {
                    deleteQuietly(key);
                }
            }
        });
    }

    /** Deletes the object now; a failure is logged, not thrown, because the caller is already handling one. */
    public void deleteQuietly(String key) {
        try {
            store.delete(key);
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete artifact {}; it is orphaned", key, e);
        }
    }
}
