package io.condenser.api;

import io.condenser.api.generated.ModelsApi;
import io.condenser.api.generated.dto.Model;
import io.condenser.api.generated.dto.ModelPage;
import io.condenser.model.ModelEntity;
import io.condenser.model.ModelService;
import io.condenser.security.CurrentCaller;
import io.condenser.support.IdempotencyKeys;
import io.condenser.support.KeysetPage;
import io.condenser.support.Submitted;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.io.Resource;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
@ConditionalOnProperty(name = "condenser.api.enabled", havingValue = "true", matchIfMissing = true)
class ModelsController implements ModelsApi {

    private final ModelService models;
    private final ArtifactDownload download;
    private final ApiMapper mapper;
    private final CurrentCaller caller;

    ModelsController(ModelService models, ArtifactDownload download, ApiMapper mapper, CurrentCaller caller) {
        this.models = models;
        this.download = download;
        this.mapper = mapper;
        this.caller = caller;
    }

    @Override
    public ResponseEntity<Model> uploadModel(MultipartFile file, String idempotencyKey, String name) {
        try (InputStream content = file.getInputStream()) {
            UUID tenantId = caller.tenantId();
            Submitted<ModelEntity> uploaded = models.upload(tenantId, name, file.getOriginalFilename(), content,
                    IdempotencyKeys.of(tenantId, "models", idempotencyKey));
            ModelEntity model = uploaded.resource();
            return Replays.mark(ResponseEntity.created(URI.create("/v1/models/" + model.getId())), uploaded)
                    .body(mapper.model(model));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ResponseEntity<ModelPage> listModels(Integer limit, String cursor) {
        KeysetPage<ModelEntity> page = models.list(caller.tenantId(), limit, cursor);
        return ResponseEntity.ok(new ModelPage().items(page.items().stream().map(mapper::model).toList())
                .nextCursor(page.nextCursor()));
    }

    @Override
    public ResponseEntity<Model> getModel(UUID modelId) {
        return ResponseEntity.ok(mapper.model(models.get(caller.tenantId(), modelId)));
    }

    @Override
    public ResponseEntity<Void> deleteModel(UUID modelId) {
        models.delete(caller.tenantId(), modelId);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<Resource> downloadModel(UUID modelId, String ifNoneMatch) {
        ModelEntity model = models.get(caller.tenantId(), modelId);
        // A model uploaded with external data downloads as the zip it came in: model file and data files together.
        boolean archive = model.getArchiveKey() != null;
        return download.respond("model", modelId, archive ? model.getArchiveKey() : model.getStorageKey(),
                model.getSha256(), model.getSizeBytes(),
                ArtifactDownload.fileName(model.getName(), archive ? ".zip" : model.getFormat().extension()), ifNoneMatch);
    }
}
