package io.condenser.deploy;

import static io.condenser.deploy.Manifests.at;
import static io.condenser.deploy.Manifests.list;
import static io.condenser.deploy.Manifests.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml, checked offline by Compose itself (Debian's docker-compose validates and resolves a file without
 * a Docker engine); the assertions read the resolved file, anchors merged and variables substituted.
 */
class ComposeFileTest {

    private static final Path ROOT = ExternalTools.projectRoot();
    private static final String ADMIN_KEY = "compose-test-admin-key";

    @TempDir
    Path dir;

    @Test
    void isValidAndWiresAnApiOnlyAndAWorkerOnlyReplicaToPostgresAndMinio() throws IOException {
        ExternalTools.Result quiet = compose(Map.of("CONDENSER_SECURITY_ADMINKEY", ADMIN_KEY), "config", "-q");
        assertThat(quiet.exitCode()).as(quiet.describe()).isZero();

        Map<String, Object> services = services(Map.of("CONDENSER_SECURITY_ADMINKEY", ADMIN_KEY));
        assertThat(services).containsKeys("postgres", "minio", "create-bucket", "api", "worker", "worker-gpu");

        Map<String, Object> api = environment(services, "api");
        Map<String, Object> worker = environment(services, "worker");
        assertThat(api).containsEntry("CONDENSER_API_ENABLED", "true").containsEntry("CONDENSER_WORKER_ENABLED", "false");
        assertThat(worker).containsEntry("CONDENSER_API_ENABLED", "false")
                .containsEntry("CONDENSER_WORKER_ENABLED", "true").containsEntry("CONDENSER_WORKER_DEVICES", "cpu")
                .containsEntry("CONDENSER_WORKER_SLOTS", "1");

        Map<String, Object> postgres = environment(services, "postgres");
        Map<String, Object> minio = environment(services, "minio");
        for (Map<String, Object> replica : List.of(api, worker)) {
            assertThat(replica)
                    .containsEntry("SPRING_DATASOURCE_URL",
                            "jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"))
                    .containsEntry("SPRING_DATASOURCE_USERNAME", postgres.get("POSTGRES_USER"))
                    .containsEntry("SPRING_DATASOURCE_PASSWORD", postgres.get("POSTGRES_PASSWORD"))
                    .containsEntry("CONDENSER_STORAGE_TYPE", "s3")
                    .containsEntry("CONDENSER_STORAGE_S3_ENDPOINT", "http://minio:9000")
                    .containsEntry("CONDENSER_STORAGE_S3_PATHSTYLE", "true")
                    .containsEntry("AWS_ACCESS_KEY_ID", minio.get("MINIO_ROOT_USER"))
                    .containsEntry("AWS_SECRET_ACCESS_KEY", minio.get("MINIO_ROOT_PASSWORD"))
                    .containsEntry("CONDENSER_SECURITY_ADMINKEY", ADMIN_KEY)
                    .containsKey("CONDENSER_WEBHOOKS_SIGNINGSECRET");
        }
        String bucket = (String) api.get("CONDENSER_STORAGE_S3_BUCKET");
        assertThat(String.join(" ", strings(at(services, "create-bucket", "command"))))
                .as("the one-shot service creates the bucket the replicas use").contains("mb")
                .contains("/" + bucket);

        assertThat(seconds(at(services, "api", "stop_grace_period")))
                .as("longer than Spring's graceful shutdown (30 s)").isGreaterThan(30);
        assertThat(at(services, "api", "depends_on", "postgres", "condition")).isEqualTo("service_healthy");
        assertThat(at(services, "api", "depends_on", "create-bucket", "condition"))
                .isEqualTo("service_completed_successfully");
        assertThat(at(services, "create-bucket", "depends_on", "minio", "condition")).isEqualTo("service_healthy");
        assertThat(at(services, "worker", "depends_on", "api", "condition")).isEqualTo("service_healthy");
        for (String service : List.of("postgres", "minio", "api", "worker")) {
            assertThat(at(services, service, "healthcheck", "test")).as(service + " has a health check").isNotNull();
        }
        assertThat(String.join(" ", strings(at(services, "api", "healthcheck", "test"))))
                .contains("/actuator/health/readiness");

        assertThat(at(services, "api", "ports")).isNotNull();
        for (String service : List.of("postgres", "minio", "worker", "worker-gpu")) {
            assertThat(at(services, service, "ports")).as(service + " publishes no port").isNull();
        }
        Map<String, Object> volumes = map(parse(Map.of("CONDENSER_SECURITY_ADMINKEY", ADMIN_KEY)).get("volumes"));
        assertThat(volumes).containsKeys("postgres-data", "minio-data", "worker-cache");
        assertThat(strings(at(services, "postgres", "volumes"))).anyMatch(v -> v.startsWith("postgres-data:"));
        assertThat(strings(at(services, "minio", "volumes"))).anyMatch(v -> v.startsWith("minio-data:"));
    }

    /** A Compose duration as `config` writes it, e.g. "45s" or "1m30s". */
    private static long seconds(Object duration) {
        Matcher parts = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?").matcher(String.valueOf(duration));
        assertThat(parts.matches()).as("a duration: " + duration).isTrue();
        long seconds = 0;
        for (int group = 1; group <= 3; group++) {
            seconds = seconds * 60 + (parts.group(group) == null ? 0 : Long.parseLong(parts.group(group)));
        }
        return seconds;
    }

    @Test
    void theGpuWorkerIsAnOptInProfileWithTheGpuImageAndAnNvidiaDevice() throws IOException {
        Map<String, Object> services = services(Map.of("CONDENSER_SECURITY_ADMINKEY", ADMIN_KEY));

        assertThat(strings(at(services, "worker-gpu", "profiles"))).containsExactly("gpu");
        assertThat(at(services, "worker-gpu", "build", "args", "FLAVOR")).isEqualTo("gpu");
        assertThat((String) at(services, "worker-gpu", "image")).endsWith("-gpu");
        assertThat(environment(services, "worker-gpu")).containsEntry("CONDENSER_WORKER_DEVICES", "gpu")
                .containsEntry("CONDENSER_API_ENABLED", "false").containsEntry("CONDENSER_WORKER_ENABLED", "true");
        Map<String, Object> device = map(at(services, "worker-gpu", "deploy", "resources", "reservations", "devices", 0));
        assertThat(device).containsEntry("driver", "nvidia");
        assertThat(strings(device.get("capabilities"))).contains("gpu");
        assertThat(at(services, "worker", "deploy")).as("the CPU worker reserves no GPU").isNull();
        assertThat(at(services, "worker", "build", "args")).as("the CPU worker builds the default flavour").isNull();
    }

    @Test
    void refusesToStartWithoutAnAdminKey() throws IOException {
        ExternalTools.Result result = compose(Map.of(), "config", "-q");
        assertThat(result.exitCode()).as(result.describe()).isNotZero();
        assertThat(result.stderr()).contains("CONDENSER_SECURITY_ADMINKEY");
    }

    private Map<String, Object> services(Map<String, String> environment) throws IOException {
        return map(parse(environment).get("services"));
    }

    private Map<String, Object> parse(Map<String, String> environment) throws IOException {
        ExternalTools.Result resolved = compose(environment, "config");
        assertThat(resolved.exitCode()).as(resolved.describe()).isZero();
        return Manifests.parse(resolved.stdout()).only();
    }

    private static Map<String, Object> environment(Map<String, Object> services, String service) {
        return map(at(services, service, "environment"));
    }

    private static List<String> strings(Object node) {
        List<String> values = new ArrayList<>();
        list(node).forEach(v -> values.add(String.valueOf(v)));
        return values;
    }

    /** Runs docker-compose on the project's file with only the given variables (an empty .env, nothing inherited). */
    private ExternalTools.Result compose(Map<String, String> environment, String... arguments) throws IOException {
        Path compose = ExternalTools.require("docker-compose", "apt-get install docker-compose");
        Path emptyEnvFile = Files.writeString(dir.resolve("empty.env"), "");
        List<String> command = new ArrayList<>(List.of(compose.toString(), "--env-file", emptyEnvFile.toString(),
                "--file", ROOT.resolve("docker-compose.yml").toString()));
        command.addAll(List.of(arguments));
        return ExternalTools.run(ROOT, environment, Duration.ofSeconds(60), command);
    }
}
