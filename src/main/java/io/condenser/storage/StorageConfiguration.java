package io.condenser.storage;

import java.io.IOException;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The artifact store that condenser.storage.type names; credentials for S3 come from the SDK's default chain. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    /** @param workDir where an S3 store downloads local copies for the engines (the worker's scratch space) */
    @Bean
    ArtifactStore artifactStore(StorageProperties properties, @Value("${condenser.worker.work-dir}") Path workDir)
            throws IOException {
        return switch (properties.type()) {
            case FILESYSTEM -> new FilesystemArtifactStore(properties.root());
            case S3 -> new S3ArtifactStore(s3Client(properties.s3()), s3Presigner(properties.s3()), properties.s3(),
                    workDir.resolve("artifact-copies"));
        };
    }

    private static S3Client s3Client(StorageProperties.S3Settings settings) {
        var builder = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder())
                .forcePathStyle(settings.pathStyle());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        if (settings.region() != null && !settings.region().isBlank()) {
            builder.region(Region.of(settings.region()));
        }
        return builder.build();
    }

    private static S3Presigner s3Presigner(StorageProperties.S3Settings settings) {
        var builder = S3Presigner.builder()
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        if (settings.region() != null && !settings.region().isBlank()) {
            builder.region(Region.of(settings.region()));
        }
        return builder.build();
    }
}
