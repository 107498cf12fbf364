package io.condenser.job;

import io.condenser.support.AssignedIdEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/**
 * A job row. JPA inserts and reads it; every state change after the insert is a conditional SQL update in
 * {@link JobQueue}, so that workers and the API never overwrite each other's transitions.
 */
@Entity
@Table(name = "jobs")
public class JobEntity extends AssignedIdEntity {

    @Column(name = "tenant_id", nullable = false, updatable = false)
    private UUID tenantId;

    @Column(name = "model_id")
    private UUID modelId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private JobStatus status;

    @Column(nullable = false)
    private String device;

    @Column(nullable = false, columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    private String spec;

    @Column(nullable = false)
    private double progress;

    @Column(name = "progress_message")
    private String progressMessage;

    @Column(nullable = false)
    private int attempts;

    @Column(name = "max_attempts", nullable = false)
    private int maxAttempts;

    @Column(name = "lease_owner")
    private String leaseOwner;

    @Column(name = "lease_expires_at")
    private Instant leaseExpiresAt;

    @Column(name = "worker_device")
    private String workerDevice;

    @Column(columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    private String error;

    @Column(name = "result_model_id")
    private UUID resultModelId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    protected JobEntity() {
    }

    /** A new queued job. */
    public JobEntity(UUID id, UUID tenantId, UUID modelId, Device device, String spec, int maxAttempts,
                     Instant createdAt) {
        super(id);
        this.tenantId = tenantId;
        this.modelId = modelId;
        this.status = JobStatus.QUEUED;
        this.device = device.wireName();
        this.spec = spec;
        this.maxAttempts = maxAttempts;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
    }

    public UUID getTenantId() {
        return tenantId;
    }

    public UUID getModelId() {
        return modelId;
    }

    public JobStatus getStatus() {
        return status;
    }

    public Device getDevice() {
        return Device.fromWire(device);
    }

    /** The normalized spec as JSON (see {@link JobSpecDocument}). */
    public String getSpec() {
        return spec;
    }

    public double getProgress() {
        return progress;
    }

    public String getProgressMessage() {
        return progressMessage;
    }

    public int getAttempts() {
        return attempts;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public String getLeaseOwner() {
        return leaseOwner;
    }

    public Instant getLeaseExpiresAt() {
        return leaseExpiresAt;
    }

    public String getWorkerDevice() {
        return workerDevice;
    }

    /** The failure as a problem-detail JSON object, or null. */
    public String getError() {
        return error;
    }

    public UUID getResultModelId() {
        return resultModelId;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public Instant getFinishedAt() {
        return finishedAt;
    }
}
