package io.condenser.storage;

import java.io.IOException;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * The artifact store's part of readiness (health contributor "artifactStore", from the bean name): an instance whose
 * store cannot take writes cannot take uploads or jobs.
 */
@Component
class ArtifactStoreHealthIndicator extends AbstractHealthIndicator {

    private final ArtifactStore store;

    ArtifactStoreHealthIndicator(ArtifactStore store) {
        this.store = store;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws IOException {
        store.checkWritable();
        builder.up();
    }
}
