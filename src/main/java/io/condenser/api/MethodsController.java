package io.condenser.api;

import io.condenser.api.generated.MethodsApi;
import io.condenser.api.generated.dto.Method;
import io.condenser.job.MethodCatalog;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
@ConditionalOnProperty(name = "condenser.api.enabled", havingValue = "true", matchIfMissing = true)
class MethodsController implements MethodsApi {

    private final MethodCatalog catalog;
    private final ApiMapper mapper;

    MethodsController(MethodCatalog catalog, ApiMapper mapper) {
        this.catalog = catalog;
        this.mapper = mapper;
    }

    @Override
    public ResponseEntity<List<Method>> listMethods() {
        return ResponseEntity.ok(catalog.all().stream().map(mapper::method).toList());
    }
}
