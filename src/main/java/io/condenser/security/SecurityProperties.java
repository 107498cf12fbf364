package io.condenser.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param adminKey an admin key (read, write and admin scopes) of the default tenant, ensured at start (environment:
 *                 CONDENSER_SECURITY_ADMINKEY); at least 32 visible characters. Empty: none.
 */
@ConfigurationProperties("condenser.security")
public record SecurityProperties(String adminKey) {
}
