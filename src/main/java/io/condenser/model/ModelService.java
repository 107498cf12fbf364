package io.condenser.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.onnx.InvalidModelException;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.ModelValidator;
import io.condenser.engine.onnx.OnnxModelFiles;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import io.condenser.storage.ArtifactCleanup;
import io.condenser.storage.ArtifactStore;
import io.condenser.storage.StoredArtifact;
import io.condenser.support.DisplayNames;
import io.condenser.support.KeysetCursor;
import io.condenser.support.KeysetPage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
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

    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private final ModelRepository models;
    private final ModelUsage usage;
    private final ArtifactStore store;
    private final ArtifactCleanup cleanup;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final long maxUploadBytes;

    public ModelService(ModelRepository models, ModelUsage usage, ArtifactStore store, ArtifactCleanup cleanup,
                        TransactionTemplate transactions, JsonMapper json,
                        @Value("${condenser.upload.max-bytes}") DataSize maxUploadBytes) {
        this.models = models;
        this.usage = usage;
        this.store = store;
        this.cleanup = cleanup;
        this.transactions = transactions;
        this.json = json;
        this.maxUploadBytes = maxUploadBytes.toBytes();
    }

    /**
     * Streams an upload into the store, then inspects it. Anything that is not a valid ONNX model is refused and its
     * file removed: a refused upload leaves no row and no file.
     */
    public ModelEntity upload(String name, String fileName, InputStream content) throws IOException {
        UUID id = UUID.randomUUID();
        StoredArtifact stored = store.write(storageKey(id), content, maxUploadBytes);
        try {
            InspectionSummary inspection = inspectStored(stored.key());
            ModelEntity model = new ModelEntity(id, DisplayNames.of(name, fileName, "model"), ModelFormat.ONNX, stored.key(),
                    stored.sizeBytes(), stored.sha256(), json.writeValueAsString(inspection), null, null, now());
            return transactions.execute(status -> models.save(model));
        } catch (Throwable e) {
            // Errors too (an OutOfMemoryError while parsing): a refused upload must not leave its file behind.
            cleanup.deleteQuietly(stored.key());
            throw e;
        }
    }

    /**
     * Registers a model a job produced from a local file, in the caller's transaction. The file is copied into the
     * store first; if the transaction does not commit, the copy is removed.
     */
    public ModelEntity registerResult(Path file, String name, UUID parentModelId, UUID sourceJobId,
                                      InspectionSummary inspection) throws IOException {
        UUID id = UUID.randomUUID();
        StoredArtifact stored = store.writeFile(storageKey(id), file);
        ModelEntity model = new ModelEntity(id, name, ModelFormat.ONNX, stored.key(), stored.sizeBytes(),
                stored.sha256(), json.writeValueAsString(inspection), parentModelId, sourceJobId, now());
        cleanup.deleteUnlessCommitted(stored.key());
        // Flushed now: the caller's next statements (plain SQL) refer to this row by foreign key.
        return models.saveAndFlush(model);
    }

    public Optional<ModelEntity> findById(UUID id) {
        return models.findById(id);
    }

    public ModelEntity get(UUID id) {
        return models.findById(id).orElseThrow(() -> ProblemException.notFound("model", id));
    }

    public InspectionSummary inspection(ModelEntity model) {
        return json.readValue(model.getInspection(), InspectionSummary.class);
    }

    public KeysetPage<ModelEntity> list(int limit, String cursor) {
        return KeysetPage.fetch(models, limit, cursor, m -> new KeysetCursor(m.getCreatedAt(), m.getId()));
    }

    /** Deletes the row, then the file once the deletion committed. Refused while a queued or running job uses it. */
    public void delete(UUID id) {
        transactions.executeWithoutResult(status -> {
            ModelEntity model = models.findForUpdate(id).orElseThrow(() -> ProblemException.notFound("model", id));
            if (usage.hasActiveJobs(id)) {
                throw new ProblemException(ProblemType.MODEL_IN_USE,
                        "model " + id + " is used by a queued or running job; cancel the job or wait for it");
            }
            models.delete(model);
            cleanup.deleteAfterCommit(model.getStorageKey());
        });
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

    private InspectionSummary inspectStored(String key) throws IOException {
        try (ArtifactStore.LocalCopy copy = store.localCopy(key)) {
            refuseOtherFormats(copy.path());
            try {
                ModelProto model = OnnxModelFiles.read(copy.path());
                ModelValidator.validate(model);
                return InspectionSummary.of(ModelInspector.inspect(model));
            } catch (InvalidModelException e) {
                throw new ProblemException(ProblemType.INVALID_MODEL, "not a valid ONNX model: " + e.getMessage());
            }
        }
    }

    private static void refuseOtherFormats(Path file) throws IOException {
        byte[] head = new byte[ZIP_MAGIC.length];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, head.length) == head.length && Arrays.equals(head, ZIP_MAGIC)) {
                throw new ProblemException(ProblemType.UNSUPPORTED_MODEL_FORMAT, "the file is a zip archive"
                        + " (TorchScript, or ONNX with external data); this version accepts plain .onnx files");
            }
        }
    }

    private static String storageKey(UUID id) {
        return "models/" + id + "/model.onnx";
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
