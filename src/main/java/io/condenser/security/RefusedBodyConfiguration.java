package io.condenser.security;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Installs {@link RefusedBodyValve} in the embedded Tomcat. */
@Configuration(proxyBeanMethods = false)
class RefusedBodyConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> refusedBodyValve() {
        return factory -> factory.addEngineValves(new RefusedBodyValve());
    }
}
