package io.condenser.dataset;

import io.condenser.engine.data.NumpyDataset;
import io.condenser.support.AssignedIdEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/** A stored dataset: its file in the artifact store and what inspection found in it. */
@Entity
@Table(name = "datasets")
public class DatasetEntity extends AssignedIdEntity {

    @Column(name = "tenant_id", nullable = false, updatable = false)
    private UUID tenantId;

    @Column(nullable = false)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private NumpyDataset.Format format;

    @Column(name = "storage_key", nullable = false)
    private String storageKey;

    @Column(name = "size_bytes", nullable = false)
    private long sizeBytes;

    @Column(nullable = false)
    private String sha256;

    @Column(nullable = false, columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    private String inspection;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected DatasetEntity() {
    }

    public DatasetEntity(UUID id, UUID tenantId, String name, NumpyDataset.Format format, String storageKey,
                         long sizeBytes, String sha256, String inspection, Instant createdAt) {
        super(id);
        this.tenantId = tenantId;
        this.name = name;
        this.format = format;
        this.storageKey = storageKey;
        this.sizeBytes = sizeBytes;
        this.sha256 = sha256;
        this.inspection = inspection;
        this.createdAt = createdAt;
    }

    public UUID getTenantId() {
        return tenantId;
    }

    public String getName() {
        return name;
    }

    public NumpyDataset.Format getFormat() {
        return format;
    }

    public String getStorageKey() {
        return storageKey;
    }

    public long getSizeBytes() {
        return sizeBytes;
    }

    public String getSha256() {
        return sha256;
    }

    /** The inspection as JSON (see {@link DatasetSummary}). */
    public String getInspection() {
        return inspection;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
