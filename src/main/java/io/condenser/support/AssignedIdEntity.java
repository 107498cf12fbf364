package io.condenser.support;

import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Transient;
import java.util.UUID;
import org.springframework.data.domain.Persistable;

/**
 * An entity whose UUID the application assigns before saving. Tracks whether it was stored, so that saving a new one
 * is a plain INSERT rather than a SELECT followed by an INSERT (what Spring Data does for ids it did not generate).
 */
@MappedSuperclass
public abstract class AssignedIdEntity implements Persistable<UUID> {

    @Id
    private UUID id;

    @Transient
    private boolean persisted;

    /** For JPA: an entity read from the database. */
    protected AssignedIdEntity() {
        persisted = true;
    }

    /** A new entity, not stored yet. */
    protected AssignedIdEntity(UUID id) {
        this.id = id;
    }

    @Override
    public UUID getId() {
        return id;
    }

    @Override
    public boolean isNew() {
        return !persisted;
    }

    @PostPersist
    @PostLoad
    void markPersisted() {
        persisted = true;
    }
}
