package io.condenser.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.eval.TorchScriptRuntimeModel;
import io.condenser.engine.onnx.InvalidModelException;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.ModelValidator;
import io.condenser.engine.onnx.OnnxModelFiles;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import io.condenser.security.TenantQuotas;
import io.condenser.storage.ArtifactCleanup;
import io.condenser.storage.ArtifactStore;
import io.condenser.storage.StoredArtifact;
import io.condenser.support.DisplayNames;
import io.condenser.support.IdempotencyKeys;
import io.condenser.support.KeysetCursor;
import io.condenser.support.KeysetPage;
import io.condenser.support.LocalFolders;
import io.condenser.support.Submitted;
import io.condenser.support.UploadMetrics;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/** The model registry: stores uploads and results, inspects them, lists, serves and deletes them. */
@Service
public class ModelService {

    /** What an upload is, by how it starts and, for a zip, by its entries. */
    private enum UploadKind { ONNX, ONNX_ARCHIVE, TORCHSCRIPT }

    private final ModelRepository models;
    private final ModelUsage usage;
    private final ArtifactStore store;
    private final ArtifactCleanup cleanup;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final long maxUploadBytes;
    private final DistributionSummary uploadBytes;
    private final IdempotencyKeys idempotencyKeys;
    private final TenantQuotas quotas;

    public ModelService(ModelRepository models, ModelUsage usage, ArtifactStore store, ArtifactCleanup cleanup,
                        TransactionTemplate transactions, JsonMapper json,
                        @Value("${condenser.upload.max-bytes}") DataSize maxUploadBytes, MeterRegistry registry,
                        IdempotencyKeys idempotencyKeys, TenantQuotas quotas) {
        this.idempotencyKeys = idempotencyKeys;
        this.quotas = quotas;
        this.uploadBytes = UploadMetrics.bytes(registry, "model");
        this.models = models;
        this.usage = usage;
        this.store = store;
        this.cleanup = cleanup;
        this.transactions = transactions;
        this.json = json;
        this.maxUploadBytes = maxUploadBytes.toBytes();
    }

    /**
     * Streams an upload into the store, then inspects it: a plain .onnx, a zip of one and its external data files
     * (unpacked and checked entry by entry; the zip is kept as what a download returns), or a TorchScript file (loaded
     * by libtorch to be inspected, kept as uploaded). Anything that is not a valid model of these formats is refused, and so is an upload beyond the tenant's storage quota: a refused upload leaves no row and
     * no file.
     */
    public Submitted<ModelEntity> upload(UUID tenantId, String name, String fileName, InputStream content,
                                         IdempotencyKeys.Key key) throws IOException {
        UUID id = UUID.randomUUID();
        // Outside the model's folder, so that no file of an archive can take its name.
        StoredArtifact stored = quotas.writeWithinStorage(tenantId, maxUploadBytes, key != null,
                maxBytes -> store.write("uploads/" + id, content, maxBytes));
        List<String> written = new ArrayList<>(List.of(stored.key()));
        try {
            String fingerprint = IdempotencyKeys.fingerprint(stored.sha256(), DisplayNames.of(name, fileName, "model"));
            return idempotencyKeys.createOnce(key, fingerprint, earlier -> findById(tenantId, earlier),
                    () -> written.forEach(cleanup::deleteQuietly), () -> {
                        ModelEntity model = switch (kind(stored.key())) {
                            case TORCHSCRIPT -> storeTorchScript(id, tenantId, name, fileName, stored, written);
                            case ONNX_ARCHIVE -> storeArchive(id, tenantId, name, fileName, stored, written);
                            case ONNX -> storePlain(id, tenantId, name, fileName, stored, written);
                        };
                        ModelEntity saved = transactions.execute(status -> {
                            quotas.reserveStorage(tenantId, stored.sizeBytes());
                            idempotencyKeys.remember(key, fingerprint, id);
                            return models.save(model);
                        });
                        uploadBytes.record(stored.sizeBytes());
                        return saved;
                    });
        } catch (Throwable e) {
            // Errors too (an OutOfMemoryError while parsing): a refused upload must not leave its files behind.
            written.forEach(cleanup::deleteQuietly);
            throw e;
        }
    }

    /** Checks a plain .onnx upload, then moves it to its key. */
    private ModelEntity storePlain(UUID id, UUID tenantId, String name, String fileName, StoredArtifact stored,
                                   List<String> written) throws IOException {
        InspectionSummary inspection = inspectSelfContained(stored.key());
        store.move(stored.key(), storageKey(id, ModelFormat.ONNX));
        written.set(0, storageKey(id, ModelFormat.ONNX));
        return newModel(id, tenantId, name, fileName, stored, inspection);
    }

    /** Loads a TorchScript upload with libtorch for its parameters, then moves it to its key unchanged. */
    private ModelEntity storeTorchScript(UUID id, UUID tenantId, String name, String fileName, StoredArtifact stored,
                                        List<String> written) throws IOException {
        InspectionSummary inspection;
        try (ArtifactStore.LocalCopy copy = store.localCopy(stored.key());
             TorchScriptRuntimeModel model = TorchScriptRuntimeModel.load(copy.path(), RuntimeSettings.cpu(1))) {
            inspection = InspectionSummary.of(model.parameters());
        } catch (UnsupportedModelException e) {
            throw new ProblemException(ProblemType.INVALID_MODEL, "not a valid TorchScript model: " + e.getMessage());
        }
        String key = storageKey(id, ModelFormat.TORCHSCRIPT);
        store.move(stored.key(), key);
        written.set(0, key);
        return new ModelEntity(id, tenantId, DisplayNames.of(name, fileName, "model"), ModelFormat.TORCHSCRIPT, key,
                stored.sizeBytes(), stored.sha256(), json.writeValueAsString(inspection), null, null, now());
    }

    /** Unpacks the archive, checks the model with its data, then stores the files next to each other. */
    private ModelEntity storeArchive(UUID id, UUID tenantId, String name, String fileName, StoredArtifact stored,
                                     List<String> written) throws IOException {
        Path directory = Files.createTempDirectory("condenser-archive-");
        try (ArtifactStore.LocalCopy archive = store.localCopy(stored.key())) {
            ModelArchive.Unpacked unpacked = ModelArchive.unpack(archive.path(), directory, maxUploadBytes);
            InspectionSummary inspection;
            try {
                inspection = inspect(OnnxModelFiles.read(unpacked.model()));
            } catch (InvalidModelException e) {
                throw invalidModel(e);
            }
            // The archive's files keep their names, which the model's external data locations use, in a folder of
            // their own: no name in the archive can meet a key the service chose.
            String filesFolder = folder(id) + "files/";
            String modelKey = filesFolder + unpacked.model().getFileName();
            store.writeFile(modelKey, unpacked.model());
            written.add(modelKey);
            List<String> dataFiles = new ArrayList<>();
            for (Path dataFile : unpacked.dataFiles()) {
                String dataKey = filesFolder + dataFile.getFileName();
                store.writeFile(dataKey, dataFile);
                written.add(dataKey);
                dataFiles.add(dataFile.getFileName().toString());
            }
            String archiveKey = folder(id) + "archive";
            store.move(stored.key(), archiveKey);
            written.set(0, archiveKey);
            ModelEntity model = new ModelEntity(id, tenantId, DisplayNames.of(name, fileName, "model"),
                    ModelFormat.ONNX, modelKey, stored.sizeBytes(), stored.sha256(),
                    json.writeValueAsString(inspection), null, null, now());
            model.storedAsArchive(archiveKey, dataFiles);
            return model;
        } finally {
            LocalFolders.deleteRecursively(directory);
        }
    }

    private ModelEntity newModel(UUID id, UUID tenantId, String name, String fileName, StoredArtifact stored,
                                 InspectionSummary inspection) {
        return new ModelEntity(id, tenantId, DisplayNames.of(name, fileName, "model"), ModelFormat.ONNX,
                storageKey(id, ModelFormat.ONNX), stored.sizeBytes(), stored.sha256(), json.writeValueAsString(inspection), null, null,
                now());
    }

    /**
     * Registers a model a job produced from a local file, in the caller's transaction, as the job tenant's. The file is
     * copied into the store first; if the transaction does not commit, the copy is removed. Results count towards the
     * tenant's stored bytes but are not refused for them: the job already did the work.
     */
    public ModelEntity registerResult(UUID tenantId, Path file, ModelFormat format, String name, UUID parentModelId,
                                      UUID sourceJobId, InspectionSummary inspection) throws IOException {
        UUID id = UUID.randomUUID();
        StoredArtifact stored = store.writeFile(storageKey(id, format), file);
        ModelEntity model = new ModelEntity(id, tenantId, name, format, stored.key(), stored.sizeBytes(),
                stored.sha256(), json.writeValueAsString(inspection), parentModelId, sourceJobId, now());
        cleanup.deleteUnlessCommitted(stored.key());
        // Flushed now: the caller's next statements (plain SQL) refer to this row by foreign key.
        return models.saveAndFlush(model);
    }

    /** The tenant's model; another tenant's is not found, as if it did not exist. */
    public Optional<ModelEntity> findById(UUID tenantId, UUID id) {
        return models.findByIdAndTenantId(id, tenantId);
    }

    /** @throws ProblemException NOT_FOUND, for another tenant's model too */
    public ModelEntity get(UUID tenantId, UUID id) {
        return findById(tenantId, id).orElseThrow(() -> ProblemException.notFound("model", id));
    }

    public InspectionSummary inspection(ModelEntity model) {
        return json.readValue(model.getInspection(), InspectionSummary.class);
    }

    public KeysetPage<ModelEntity> list(UUID tenantId, int limit, String cursor) {
        return KeysetPage.fetch(models, tenantId, limit, cursor, m -> new KeysetCursor(m.getCreatedAt(), m.getId()));
    }

    /** Deletes the row, then the file once the deletion committed. Refused while a queued or running job uses it. */
    public void delete(UUID tenantId, UUID id) {
        transactions.executeWithoutResult(status -> {
            ModelEntity model = models.findForUpdate(tenantId, id)
                    .orElseThrow(() -> ProblemException.notFound("model", id));
            if (usage.hasActiveJobs(id)) {
                throw new ProblemException(ProblemType.MODEL_IN_USE,
                        "model " + id + " is used by a queued or running job; cancel the job or wait for it");
            }
            models.delete(model);
            cleanup.deleteAfterCommit(model.getStorageKey());
            if (model.getArchiveKey() != null) {
                cleanup.deleteAfterCommit(model.getArchiveKey());
            }
            String filesFolder = model.getStorageKey().substring(0, model.getStorageKey().lastIndexOf('/') + 1);
            model.getDataFiles().forEach(dataFile -> cleanup.deleteAfterCommit(filesFolder + dataFile));
        });
    }

    /**
     * A local copy of the model's file with its external data files beside it, where the model's relative locations
     * find them: what reading or running the model needs.
     */
    public ArtifactStore.LocalCopy localCopy(ModelEntity model) throws IOException {
        return store.localCopy(model.getStorageKey(), model.getDataFiles());
    }

    /** Reads and validates the model behind a stored file. */
    public ModelProto readModel(ModelEntity model, Path localFile) throws IOException {
        try {
            return OnnxModelFiles.read(localFile);
        } catch (InvalidModelException e) {
            throw new ProblemException(ProblemType.INVALID_MODEL, "stored model " + model.getId()
                    + " cannot be read: " + e.getMessage());
        }
    }

    /** A plain .onnx upload must hold all of its tensors: data files come only in an archive, next to it. */
    private InspectionSummary inspectSelfContained(String key) throws IOException {
        try (ArtifactStore.LocalCopy copy = store.localCopy(key)) {
            return inspect(OnnxModelFiles.readSelfContained(copy.path()));
        } catch (InvalidModelException e) {
            throw invalidModel(e);
        }
    }

    /** Validates and describes a model that was read. */
    private static InspectionSummary inspect(ModelProto model) {
        try {
            ModelValidator.validate(model);
            return InspectionSummary.of(ModelInspector.inspect(model));
        } catch (InvalidModelException e) {
            throw invalidModel(e);
        } catch (ArithmeticException e) {
            throw new ProblemException(ProblemType.INVALID_MODEL, "not a valid ONNX model: a tensor's size"
                    + " overflows");
        }
    }

    private static ProblemException invalidModel(InvalidModelException e) {
        return new ProblemException(ProblemType.INVALID_MODEL, "not a valid ONNX model: " + e.getMessage());
    }

    /**
     * Reads the first bytes first: a store that copies whole objects to local files need not copy a plain .onnx for
     * it.
     */
    private UploadKind kind(String key) throws IOException {
        try (InputStream head = store.read(key).getInputStream()) {
            if (!ModelArchive.isArchive(head)) {
                return UploadKind.ONNX;
            }
        }
        try (ArtifactStore.LocalCopy copy = store.localCopy(key)) {
            return ModelArchive.isTorchScript(copy.path()) ? UploadKind.TORCHSCRIPT : UploadKind.ONNX_ARCHIVE;
        }
    }

    private static String folder(UUID id) {
        return "models/" + id + "/";
    }

    private static String storageKey(UUID id, ModelFormat format) {
        return folder(id) + "model" + format.extension();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
