package io.condenser.api;

import io.condenser.api.generated.ModelsApi;
import io.condenser.api.generated.dto.Model;
import io.condenser.api.generated.dto.ModelPage;
import io.condenser.model.ModelEntity;
import io.condenser.model.ModelService;
import io.condenser.problem.ProblemException;
import io.condenser.storage.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
@ConditionalOnProperty(name = "condenser.api.enabled", havingValue = "true", matchIfMissing = true)
class ModelsController implements ModelsApi {

    private final ModelService models;
    private final ArtifactStore store;
    private final ApiMapper mapper;

    ModelsController(ModelService models, ArtifactStore store, ApiMapper mapper) {
        this.models = models;
        this.store = store;
        this.mapper = mapper;
    }

    @Override
    public ResponseEntity<Model> uploadModel(MultipartFile file, String name) {
        try (InputStream content = file.getInputStream()) {
            ModelEntity model = models.upload(name, file.getOriginalFilename(), content);
            return ResponseEntity.created(URI.create("/v1/models/" + model.getId())).body(mapper.model(model));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ResponseEntity<ModelPage> listModels(Integer limit, String cursor) {
        io.condenser.model.ModelPage page = models.list(limit, cursor);
        return ResponseEntity.ok(new ModelPage().items(page.items().stream().map(mapper::model).toList())
                .nextCursor(page.nextCursor()));
    }

    @Override
    public ResponseEntity<Model> getModel(UUID modelId) {
        return ResponseEntity.ok(mapper.model(models.get(modelId)));
    }

    @Override
    public ResponseEntity<Void> deleteModel(UUID modelId) {
        models.delete(modelId);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<Resource> downloadModel(UUID modelId, String ifNoneMatch) {
        ModelEntity model = models.get(modelId);
        String etag = "\"" + model.getSha256() + "\"";
        if (ifNoneMatch != null && (ifNoneMatch.equals("*") || Arrays.stream(ifNoneMatch.split(","))
                .map(String::strip).map(t -> t.startsWith("W/") ? t.substring(2) : t).anyMatch(etag::equals))) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
        }
        try {
            Resource content = store.read(model.getStorageKey());
            return ResponseEntity.ok()
                    .eTag(etag)
                    .contentType(MediaType.APPLICATION_OCTET_STREAM)
                    .contentLength(model.getSizeBytes())
                    .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                            .filename(fileName(model), StandardCharsets.UTF_8).build().toString())
                    .body(content);
        } catch (IOException e) {
            throw ProblemException.notFound("stored file for model", modelId);
        }
    }

    private static String fileName(ModelEntity model) {
        String base = model.getName().replaceAll("[^A-Za-z0-9._-]+", "_");
        return base.endsWith(".onnx") ? base : base + ".onnx";
    }
}
