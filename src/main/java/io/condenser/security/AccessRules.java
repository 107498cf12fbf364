package io.condenser.security;

import java.util.List;
import java.util.Set;

/**
 * Which requests need a key and which scope. Everything needs a key except the published contract, Swagger UI and the
 * probes and metrics a platform reads without credentials (deny by default: an endpoint added later is protected).
 */
final class AccessRules {

    private static final Set<String> PUBLIC_PATHS = Set.of("/openapi.yaml", "/swagger-ui.html", "/v3/api-docs",
            "/actuator/health", "/actuator/prometheus");
    private static final List<String> PUBLIC_FOLDERS = List.of("/swagger-ui/", "/v3/api-docs/", "/actuator/health/");
    private static final String ADMIN_FOLDER = "/v1/tenants";
    private static final Set<String> READING_METHODS = Set.of("GET", "HEAD");

    private AccessRules() {
    }

    /** @param path the request's path inside the application, decoded and normalized by the servlet container */
    static boolean isPublic(String path) {
        return PUBLIC_PATHS.contains(path) || PUBLIC_FOLDERS.stream().anyMatch(path::startsWith);
    }

    static Scope requiredScope(String method, String path) {
        if (path.equals(ADMIN_FOLDER) || path.startsWith(ADMIN_FOLDER + "/")) {
            return Scope.ADMIN;
        }
        return READING_METHODS.contains(method) ? Scope.READ : Scope.WRITE;
    }
}
