package io.condenser.api;

import io.condenser.api.generated.TenantsApi;
import io.condenser.api.generated.dto.ApiKey;
import io.condenser.api.generated.dto.ApiKeyCreation;
import io.condenser.api.generated.dto.CreatedApiKey;
import io.condenser.api.generated.dto.Tenant;
import io.condenser.api.generated.dto.TenantCreation;
import io.condenser.security.ApiKeys;
import io.condenser.security.Scope;
import io.condenser.security.Tenants;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

/** The operator's API: tenants and their keys, behind the admin scope (which the authentication filter checks). */
@RestController
@ConditionalOnProperty(name = "condenser.api.enabled", havingValue = "true", matchIfMissing = true)
class TenantsController implements TenantsApi {

    private final Tenants tenants;
    private final ApiKeys keys;

    TenantsController(Tenants tenants, ApiKeys keys) {
        this.tenants = tenants;
        this.keys = keys;
    }

    @Override
    public ResponseEntity<Tenant> createTenant(TenantCreation creation) {
        io.condenser.security.Tenant tenant = tenants.create(creation.getName(), creation.getMaxStoredBytes(),
                creation.getMaxConcurrentJobs(), creation.getRequestsPerMinute());
        return ResponseEntity.created(URI.create("/v1/tenants/" + tenant.id())).body(tenant(tenant));
    }

    @Override
    public ResponseEntity<List<Tenant>> listTenants() {
        return ResponseEntity.ok(tenants.list().stream().map(TenantsController::tenant).toList());
    }

    @Override
    public ResponseEntity<Tenant> getTenant(UUID tenantId) {
        return ResponseEntity.ok(tenant(tenants.get(tenantId)));
    }

    @Override
    public ResponseEntity<CreatedApiKey> createApiKey(UUID tenantId, ApiKeyCreation creation) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        creation.getScopes().forEach(scope -> scopes.add(Scope.fromWire(scope.getValue())));
        ApiKeys.CreatedKey created = keys.create(tenantId, creation.getName().strip(), scopes);
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new CreatedApiKey().key(key(created.key())).secret(created.secret()));
    }

    @Override
    public ResponseEntity<List<ApiKey>> listApiKeys(UUID tenantId) {
        return ResponseEntity.ok(keys.list(tenantId).stream().map(TenantsController::key).toList());
    }

    @Override
    public ResponseEntity<Void> revokeApiKey(UUID tenantId, UUID keyId) {
        keys.revoke(tenantId, keyId);
        return ResponseEntity.noContent().build();
    }

    private static Tenant tenant(io.condenser.security.Tenant tenant) {
        return new Tenant()
                .id(tenant.id())
                .name(tenant.name())
                .maxStoredBytes(tenant.maxStoredBytes())
                .maxConcurrentJobs(tenant.maxConcurrentJobs())
                .requestsPerMinute(tenant.requestsPerMinute())
                .createdAt(ApiMapper.time(tenant.createdAt()))
                .storedBytes(tenant.storedBytes())
                .activeJobs(tenant.activeJobs());
    }

    private static ApiKey key(io.condenser.security.ApiKey key) {
        return new ApiKey()
                .id(key.id())
                .tenantId(key.tenantId())
                .name(key.name())
                .prefix(key.prefix())
                .scopes(key.scopes().stream().sorted()
                        .map(scope -> io.condenser.api.generated.dto.Scope.fromValue(scope.wireName())).toList())
                .createdAt(ApiMapper.time(key.createdAt()))
                .lastUsedAt(ApiMapper.time(key.lastUsedAt()))
                .revokedAt(ApiMapper.time(key.revokedAt()));
    }
}
