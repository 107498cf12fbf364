package io.condenser.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.onnx.InvalidModelException;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.ModelValidator;
import io.condenser.engine.onnx.OnnxModelFiles;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import io.condenser.storage.ArtifactStore;
import io.condenser.storage.StoredArtifact;
import io.condenser.support.KeysetCursor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/** The model registry: stores uploads and results, inspects them, lists, serves and deletes them. */
@Service
public class ModelService {

    private static final Logger log = LoggerFactory.getLogger(ModelService.class);
    private static final int MAX_NAME_LENGTH = 200;
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private final ModelRepository models;
    private final ModelUsage usage;
    private final ArtifactStore store;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final long maxUploadBytes;

    public ModelService(ModelRepository models, ModelUsage usage, ArtifactStore store, TransactionTemplate transactions,
                        JsonMapper json, @Value("${condenser.upload.max-bytes}") DataSize maxUploadBytes) {
        this.models = models;
        this.usage = usage;
        this.store = store;
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
            ModelEntity model = new ModelEntity(id, displayName(name, fileName), ModelFormat.ONNX, stored.key(),
                    stored.sizeBytes(), stored.sha256(), json.writeValueAsString(inspection), null, null, now());
            return transactions.execute(status -> models.save(model));
        } catch (Throwable e) {
            // Errors too (an OutOfMemoryError while parsing): a refused upload must not leave its file behind.
            deleteQuietly(stored.key());
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
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status != STATUS_COMMITTED) {
                    deleteQuietly(stored.key());
                }
            }
        });
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

    public ModelPage list(int limit, String cursor) {
        List<ModelEntity> page;
        if (cursor == null || cursor.isBlank()) {
            page = models.newestFirst(Limit.of(limit + 1));
        } else {
            KeysetCursor position = KeysetCursor.decode(cursor);
            page = models.newestFirstAfter(position.createdAt(), position.id(), Limit.of(limit + 1));
        }
        if (page.size() <= limit) {
            return new ModelPage(page, null);
        }
        ModelEntity last = page.get(limit - 1);
        return new ModelPage(page.subList(0, limit), new KeysetCursor(last.getCreatedAt(), last.getId()).encode());
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
            String key = model.getStorageKey();
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    deleteQuietly(key);
                }
            });
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

    private void deleteQuietly(String key) {
        try {
            store.delete(key);
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete artifact {}; it is orphaned", key, e);
        }
    }

    private static String displayName(String name, String fileName) {
        String chosen = name != null && !name.isBlank() ? name.strip()
                : fileName != null && !fileName.isBlank() ? Path.of(fileName).getFileName().toString() : "model";
        return chosen.length() > MAX_NAME_LENGTH ? chosen.substring(0, MAX_NAME_LENGTH) : chosen;
    }

    private static String storageKey(UUID id) {
        return "models/" + id + "/model.onnx";
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
