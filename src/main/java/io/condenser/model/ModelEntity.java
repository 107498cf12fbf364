package io.condenser.model;

import io.condenser.support.AssignedIdEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A stored model: its file in the artifact store and what inspection found in it. */
@Entity
@Table(name = "models")
public class ModelEntity extends AssignedIdEntity {

    @Column(name = "tenant_id", nullable = false, updatable = false)
    private UUID tenantId;

    @Column(nullable = false)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private ModelFormat format;

    @Column(name = "storage_key", nullable = false)
    private String storageKey;

    @Column(name = "size_bytes", nullable = false)
    private long sizeBytes;

    @Column(nullable = false)
    private String sha256;

    @Column(nullable = false, columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    private String inspection;

    @Column(name = "parent_model_id")
    private UUID parentModelId;

    @Column(name = "source_job_id")
    private UUID sourceJobId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    /** The zip the model was uploaded as, when it came with external data; null for a plain .onnx. */
    @Column(name = "archive_key")
    private String archiveKey;

    /** The external data files stored next to the model file (names, relative to its folder). */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "data_files", nullable = false, columnDefinition = "text[]")
    private String[] dataFiles = new String[0];

    protected ModelEntity() {
    }

    public ModelEntity(UUID id, UUID tenantId, String name, ModelFormat format, String storageKey, long sizeBytes,
                       String sha256, String inspection, UUID parentModelId, UUID sourceJobId, Instant createdAt) {
        super(id);
        this.tenantId = tenantId;
        this.name = name;
        this.format = format;
        this.storageKey = storageKey;
        this.sizeBytes = sizeBytes;
        this.sha256 = sha256;
        this.inspection = inspection;
        this.parentModelId = parentModelId;
        this.sourceJobId = sourceJobId;
        this.createdAt = createdAt;
    }

    /** Records that the model was uploaded as a zip of its file and external data files. */
    public void storedAsArchive(String archiveKey, List<String> dataFiles) {
        this.archiveKey = archiveKey;
        this.dataFiles = dataFiles.toArray(String[]::new);
    }

    public String getArchiveKey() {
        return archiveKey;
    }

    public List<String> getDataFiles() {
        return List.of(dataFiles);
    }

    public UUID getTenantId() {
        return tenantId;
    }

    public String getName() {
        return name;
    }

    public ModelFormat getFormat() {
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

    /** The inspection as JSON (see {@link InspectionSummary}). */
    public String getInspection() {
        return inspection;
    }

    public UUID getParentModelId() {
        return parentModelId;
    }

    public UUID getSourceJobId() {
        return sourceJobId;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
