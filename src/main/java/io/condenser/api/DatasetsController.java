package io.condenser.api;

import io.condenser.api.generated.DatasetsApi;
import io.condenser.api.generated.dto.Dataset;
import io.condenser.api.generated.dto.DatasetPage;
import io.condenser.dataset.DatasetEntity;
import io.condenser.dataset.DatasetService;
import io.condenser.engine.data.NumpyDataset;
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
class DatasetsController implements DatasetsApi {

    private final DatasetService datasets;
    private final ArtifactDownload download;
    private final ApiMapper mapper;
    private final CurrentCaller caller;

    DatasetsController(DatasetService datasets, ArtifactDownload download, ApiMapper mapper, CurrentCaller caller) {
        this.datasets = datasets;
        this.download = download;
        this.mapper = mapper;
        this.caller = caller;
    }

    @Override
    public ResponseEntity<Dataset> uploadDataset(MultipartFile file, String idempotencyKey, String name) {
        try (InputStream content = file.getInputStream()) {
            UUID tenantId = caller.tenantId();
            Submitted<DatasetEntity> uploaded = datasets.upload(tenantId, name, file.getOriginalFilename(), content,
                    IdempotencyKeys.of(tenantId, "datasets", idempotencyKey));
            DatasetEntity dataset = uploaded.resource();
            return Replays.mark(ResponseEntity.created(URI.create("/v1/datasets/" + dataset.getId())), uploaded)
                    .body(mapper.dataset(dataset));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ResponseEntity<DatasetPage> listDatasets(Integer limit, String cursor) {
        KeysetPage<DatasetEntity> page = datasets.list(caller.tenantId(), limit, cursor);
        return ResponseEntity.ok(new DatasetPage().items(page.items().stream().map(mapper::dataset).toList())
                .nextCursor(page.nextCursor()));
    }

    @Override
    public ResponseEntity<Dataset> getDataset(UUID datasetId) {
        return ResponseEntity.ok(mapper.dataset(datasets.get(caller.tenantId(), datasetId)));
    }

    @Override
    public ResponseEntity<Void> deleteDataset(UUID datasetId) {
        datasets.delete(caller.tenantId(), datasetId);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<Resource> downloadDataset(UUID datasetId, String ifNoneMatch) {
        DatasetEntity dataset = datasets.get(caller.tenantId(), datasetId);
        String extension = dataset.getFormat() == NumpyDataset.Format.NPZ ? ".npz" : ".npy";
        return download.respond("dataset", datasetId, dataset.getStorageKey(), dataset.getSha256(),
                dataset.getSizeBytes(), ArtifactDownload.fileName(dataset.getName(), extension), ifNoneMatch);
    }
}
