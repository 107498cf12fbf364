package io.condenser.storage;

import java.io.IOException;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    @Bean
    ArtifactStore artifactStore(@Value("${condenser.storage.root}") Path root) throws IOException {
        return new FilesystemArtifactStore(root);
    }
}
