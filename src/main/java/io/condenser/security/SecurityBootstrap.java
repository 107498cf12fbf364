package io.condenser.security;

import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Before the API takes requests: stores the configured admin key (hashed), revokes the one configured before it, and
 * refuses to start when no key could authenticate anyone, rather than serve an API that answers every request with 401.
 */
@Component
@ConditionalOnProperty(name = "condenser.api.enabled", havingValue = "true", matchIfMissing = true)
class SecurityBootstrap implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(SecurityBootstrap.class);
    static final String ADMIN_KEY_NAME = "configured admin key (condenser.security.admin-key)";

    private final SecurityProperties properties;
    private final ApiKeys keys;
    private final Tenants tenants;

    SecurityBootstrap(SecurityProperties properties, ApiKeys keys, Tenants tenants) {
        this.properties = properties;
        this.keys = keys;
        this.tenants = tenants;
    }

    @Override
    public void afterSingletonsInstantiated() {
        String adminKey = properties.adminKey();
        if (adminKey != null && !adminKey.isBlank()) {
            if (!ApiKeySecrets.isWellFormed(adminKey)) {
                throw new IllegalStateException("condenser.security.admin-key (CONDENSER_SECURITY_ADMINKEY) must be "
                        + ApiKeySecrets.MIN_LENGTH + " to 512 visible ASCII characters of a random secret, e.g. the"
                        + " output of `openssl rand -base64 32`");
            }
            int revoked = keys.ensure(tenants.defaultTenantId(), ADMIN_KEY_NAME, adminKey,
                    EnumSet.allOf(Scope.class));
            log.info("the configured admin key of the default tenant is stored (hashed)");
            if (revoked > 0) {
                log.warn("revoked {} previously configured admin key(s): condenser.security.admin-key changed",
                        revoked);
            }
        }
        if (!keys.anyActive()) {
            throw new IllegalStateException("no API key is configured: set condenser.security.admin-key"
                    + " (environment CONDENSER_SECURITY_ADMINKEY) to a random secret of at least "
                    + ApiKeySecrets.MIN_LENGTH + " characters, e.g. `openssl rand -base64 32`; the API refuses to"
                    + " start without a key that can authenticate requests");
        }
    }
}
