package io.condenser.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Which store condenser.storage.type starts, from properties or from the environment variables operators set. */
class StorageConfigurationTest {

    @TempDir
    Path dir;

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(StorageProperties.class)
    static class Properties {
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withUserConfiguration(Properties.class, StorageConfiguration.class)
                .withPropertyValues("condenser.storage.root=" + dir.resolve("artifacts"),
                        "condenser.worker.work-dir=" + dir.resolve("work"));
    }

    @Test
    void theFilesystemIsTheDefault() {
        runner().run(context -> assertThat(context).getBean(ArtifactStore.class)
                .isInstanceOf(FilesystemArtifactStore.class));
    }

    @Test
    void s3IsConfiguredFromTheEnvironment() {
        runner().withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        // Named like the real one: only such a source is read with environment-variable names.
                        new SystemEnvironmentPropertySource("test-systemEnvironment", Map.of(
                                "CONDENSER_STORAGE_TYPE", "s3",
                                "CONDENSER_STORAGE_S3_BUCKET", "models",
                                "CONDENSER_STORAGE_S3_ENDPOINT", "http://minio.internal:9000",
                                "CONDENSER_STORAGE_S3_REGION", "eu-central-1",
                                "CONDENSER_STORAGE_S3_PATHSTYLE", "true",
                                "CONDENSER_STORAGE_S3_PRESIGNEDDOWNLOADS", "true"))))
                .run(context -> {
                    assertThat(context).getBean(ArtifactStore.class).isInstanceOf(S3ArtifactStore.class);
                    StorageProperties.S3Settings s3 = context.getBean(StorageProperties.class).s3();
                    assertThat(s3.bucket()).isEqualTo("models");
                    assertThat(s3.endpoint()).hasToString("http://minio.internal:9000");
                    assertThat(s3.region()).isEqualTo("eu-central-1");
                    assertThat(s3.pathStyle()).isTrue();
                    assertThat(s3.presignedDownloads()).isTrue();
                });
    }

    @Test
    void s3WithoutABucketFailsStartupNamingTheSetting() {
        runner().withPropertyValues("condenser.storage.type=s3").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("condenser.storage.s3.bucket (CONDENSER_STORAGE_S3_BUCKET)");
        });
    }
}
