package io.condenser.dataset;

import io.condenser.engine.TaskMonitor;
import io.condenser.engine.data.DatasetInspection;
import io.condenser.engine.data.DatasetInspector;
import io.condenser.engine.data.InvalidDatasetException;
import io.condenser.engine.data.NumpyDataset;
import io.condenser.engine.data.UnrecognizedDatasetFormatException;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import io.condenser.security.TenantQuotas;
import io.condenser.storage.ArtifactCleanup;
import io.condenser.storage.ArtifactStore;
import io.condenser.storage.StoredArtifact;
import io.condenser.support.DisplayNames;
import io.condenser.support.IdempotencyKeys;
import io.condenser.support.Submitted;
import io.condenser.support.KeysetCursor;
import io.condenser.support.KeysetPage;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import io.condenser.support.UploadMetrics;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/** Datasets for calibration and evaluation: stores uploads, checks and inspects them, lists and deletes them. */
@Service
public class DatasetService {

    private final DatasetRepository datasets;
    private final DatasetUsage usage;
    private final ArtifactStore store;
    private final ArtifactCleanup cleanup;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final long maxUploadBytes;
    private final long maxDataBytes;
    private final DistributionSummary uploadBytes;
    private final IdempotencyKeys idempotencyKeys;
    private final TenantQuotas quotas;

    public DatasetService(DatasetRepository datasets, DatasetUsage usage, ArtifactStore store, ArtifactCleanup cleanup,
                          TransactionTemplate transactions, JsonMapper json,
                          @Value("${condenser.upload.max-bytes}") DataSize maxUploadBytes,
                          @Value("${condenser.datasets.max-data-bytes}") DataSize maxDataBytes,
                          MeterRegistry registry, IdempotencyKeys idempotencyKeys, TenantQuotas quotas) {
        this.idempotencyKeys = idempotencyKeys;
        this.quotas = quotas;
        this.uploadBytes = UploadMetrics.bytes(registry, "dataset");
        this.datasets = datasets;
        this.usage = usage;
        this.store = store;
        this.cleanup = cleanup;
        this.transactions = transactions;
        this.json = json;
        this.maxUploadBytes = maxUploadBytes.toBytes();
        this.maxDataBytes = maxDataBytes.toBytes();
    }

    /**
     * Streams an upload into the store, then reads all of it once: structure, dtypes, shapes, finite samples, labels.
     * An upload beyond the tenant's storage quota is refused too. A refused upload leaves no row and no file.
     */
    public Submitted<DatasetEntity> upload(UUID tenantId, String name, String fileName, InputStream content,
                                           IdempotencyKeys.Key key) throws IOException {
        UUID id = UUID.randomUUID();
        StoredArtifact stored = quotas.writeWithinStorage(tenantId, maxUploadBytes, key != null,
                maxBytes -> store.write("datasets/" + id + "/data", content, maxBytes));
        try {
            String fingerprint = IdempotencyKeys.fingerprint(stored.sha256(),
                    DisplayNames.of(name, fileName, "dataset"));
            return idempotencyKeys.createOnce(key, fingerprint, earlier -> findById(tenantId, earlier),
                    () -> cleanup.deleteQuietly(stored.key()), () -> {
                        DatasetInspection inspection = inspectStored(stored.key());
                        DatasetEntity dataset = new DatasetEntity(id, tenantId,
                                DisplayNames.of(name, fileName, "dataset"),
                                inspection.format(), stored.key(), stored.sizeBytes(), stored.sha256(),
                                json.writeValueAsString(DatasetSummary.of(inspection)),
                                Instant.now().truncatedTo(ChronoUnit.MICROS));
                        DatasetEntity saved = transactions.execute(status -> {
                            quotas.reserveStorage(tenantId, stored.sizeBytes());
                            idempotencyKeys.remember(key, fingerprint, id);
                            return datasets.save(dataset);
                        });
                        uploadBytes.record(stored.sizeBytes());
                        return saved;
                    });
        } catch (Throwable e) {
            // Errors too (an OutOfMemoryError while reading): a refused upload must not leave its file behind.
            cleanup.deleteQuietly(stored.key());
            throw e;
        }
    }

    /** The tenant's dataset; another tenant's is not found, as if it did not exist. */
    public Optional<DatasetEntity> findById(UUID tenantId, UUID id) {
        return datasets.findByIdAndTenantId(id, tenantId);
    }

    /** @throws ProblemException NOT_FOUND, for another tenant's dataset too */
    public DatasetEntity get(UUID tenantId, UUID id) {
        return findById(tenantId, id).orElseThrow(() -> ProblemException.notFound("dataset", id));
    }

    public DatasetSummary summary(DatasetEntity dataset) {
        return json.readValue(dataset.getInspection(), DatasetSummary.class);
    }

    public KeysetPage<DatasetEntity> list(UUID tenantId, int limit, String cursor) {
        return KeysetPage.fetch(datasets, tenantId, limit, cursor,
                d -> new KeysetCursor(d.getCreatedAt(), d.getId()));
    }

    /** Deletes the row, then the file once the deletion committed. Refused while a queued or running job reads it. */
    public void delete(UUID tenantId, UUID id) {
        transactions.executeWithoutResult(status -> {
            DatasetEntity dataset = datasets.findForUpdate(tenantId, id)
                    .orElseThrow(() -> ProblemException.notFound("dataset", id));
            if (usage.hasActiveJobs(id)) {
                throw new ProblemException(ProblemType.DATASET_IN_USE,
                        "dataset " + id + " is read by a queued or running job; cancel the job or wait for it");
            }
            datasets.delete(dataset);
            cleanup.deleteAfterCommit(dataset.getStorageKey());
        });
    }

    /** Opens a stored dataset's local copy; the structure was checked at upload, so only I/O can fail here. */
    public NumpyDataset open(ArtifactStore.LocalCopy copy) throws IOException {
        return NumpyDataset.open(copy.path(), maxDataBytes);
    }

    private DatasetInspection inspectStored(String key) throws IOException {
        try (ArtifactStore.LocalCopy copy = store.localCopy(key);
             NumpyDataset dataset = open(copy)) {
            return DatasetInspector.inspect(dataset, TaskMonitor.NONE);
        } catch (UnrecognizedDatasetFormatException e) {
            throw new ProblemException(ProblemType.UNSUPPORTED_DATASET_FORMAT, e.getMessage());
        } catch (InvalidDatasetException e) {
            throw new ProblemException(ProblemType.INVALID_DATASET, "not a valid dataset: " + e.getMessage());
        }
    }
}
