package io.condenser.deploy;

import static io.condenser.deploy.Manifests.at;
import static io.condenser.deploy.Manifests.container;
import static io.condenser.deploy.Manifests.env;
import static io.condenser.deploy.Manifests.list;
import static io.condenser.deploy.Manifests.map;
import static io.condenser.deploy.Manifests.secretEnv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.condenser.testing.ExternalTools;
import io.condenser.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

/** The Helm chart under helm/condenser: linted strictly and rendered with the settings operators will use. */
class HelmChartTest {

    private static final Path CHART = ExternalTools.projectRoot().resolve("helm/condenser");
    private static final String RELEASE = "condenser";
    private static final String API = "condenser-api";
    private static final String CPU_WORKERS = "condenser-worker-cpu";
    private static final String GPU_WORKERS = "condenser-worker-gpu";
    private static final Set<String> SECRET_KEYS = Set.of("database-password", "admin-key", "s3-access-key-id",
            "s3-secret-access-key", "webhook-signing-secret");

    @Test
    void lintsCleanInStrictMode(@TempDir Path copy) throws IOException {
        // Lint takes no --set: the chart's values with the one value it cannot default (the database password).
        FileSystemUtils.copyRecursively(CHART, copy);
        Path values = copy.resolve("values.yaml");
        Files.writeString(values, Files.readString(values).replace("password: \"\"", "password: lint-password"));
        LintResult lint = new Helm(copy).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void defaultsRunAnApiAndACpuPoolAsNonRootWithProbesAndNoAutoscaling() throws IOException {
        Manifests manifests = render(Map.of());

        assertThat(manifests.ofKind("Deployment")).extracting(d -> at(d, "metadata", "name"))
                .containsExactlyInAnyOrder(API, CPU_WORKERS);
        assertThat(manifests.ofKind("ScaledObject")).isEmpty();
        assertThat(manifests.ofKind("TriggerAuthentication")).isEmpty();
        assertThat(manifests.names()).doesNotContain("Deployment/" + GPU_WORKERS);

        long imageUser = dockerfileUser();
        for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
            String name = (String) at(deployment, "metadata", "name");
            Map<String, Object> pod = map(at(deployment, "spec", "template", "spec"));
            assertThat(at(pod, "securityContext", "runAsNonRoot")).as(name).isEqualTo(true);
            assertThat(((Number) at(pod, "securityContext", "runAsUser")).longValue()).as(name).isEqualTo(imageUser);
            Map<String, Object> container = container(deployment);
            assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).as(name).isEqualTo(true);
            assertThat(at(container, "securityContext", "allowPrivilegeEscalation")).as(name).isEqualTo(false);
            assertThat(list(at(container, "securityContext", "capabilities", "drop"))).as(name).containsExactly("ALL");
            assertThat(at(container, "ports", 0, "containerPort")).as(name).isEqualTo(8080);
            assertThat(at(container, "livenessProbe", "httpGet", "path")).as(name)
                    .isEqualTo("/actuator/health/liveness");
            assertThat(at(container, "startupProbe", "httpGet", "path")).as(name)
                    .isEqualTo("/actuator/health/liveness");
            assertThat(at(container, "readinessProbe", "httpGet", "path")).as(name)
                    .isEqualTo("/actuator/health/readiness");
            assertThat(emptyDirMounts(pod, container)).as(name + ": writable places under a read-only root")
                    .contains("/tmp", "/var/cache/condenser");
            assertThat(at(container, "envFrom", 0, "configMapRef", "name")).as(name).isEqualTo(RELEASE);
            assertThat(at(container, "resources", "limits", "nvidia.com/gpu")).as(name).isNull();
            assertThat(at(pod, "tolerations")).as(name).isNull();
            assertThat(at(pod, "nodeSelector")).as(name).isNull();
        }

        Map<String, Object> api = container(manifests.named("Deployment", API));
        assertThat(env(api)).containsEntry("CONDENSER_API_ENABLED", "true")
                .containsEntry("CONDENSER_WORKER_ENABLED", "false").doesNotContainKey("CONDENSER_WORKER_DEVICES");
        Map<String, Object> worker = container(manifests.named("Deployment", CPU_WORKERS));
        assertThat(env(worker)).containsEntry("CONDENSER_API_ENABLED", "false")
                .containsEntry("CONDENSER_WORKER_ENABLED", "true").containsEntry("CONDENSER_WORKER_DEVICES", "cpu")
                .containsEntry("CONDENSER_WORKER_SLOTS", "1");
        assertThat(at(container(manifests.named("Deployment", CPU_WORKERS)), "image")).isEqualTo("condenser:0.1.0");

        // A stopping worker hands its jobs back (up to 30 s), then the web server drains (up to 30 s).
        assertThat((Integer) at(manifests.named("Deployment", CPU_WORKERS), "spec", "template", "spec",
                "terminationGracePeriodSeconds")).isGreaterThanOrEqualTo(60);

        Map<String, Object> service = manifests.named("Service", RELEASE);
        Map<String, Object> selector = map(at(service, "spec", "selector"));
        assertThat(podLabels(manifests.named("Deployment", API))).containsAllEntriesOf(selector);
        assertThat(podLabels(manifests.named("Deployment", CPU_WORKERS))).as("workers take no API traffic")
                .doesNotContainEntry("app.kubernetes.io/component", selector.get("app.kubernetes.io/component"));
        assertThat(at(service, "spec", "ports", 0, "targetPort")).isEqualTo("http");

        Map<String, Object> config = map(at(manifests.named("ConfigMap", RELEASE), "data"));
        assertThat(config).as("presigned URLs would name the in-cluster endpoint by default")
                .containsEntry("CONDENSER_STORAGE_S3_PRESIGNEDDOWNLOADS", "false");
        assertThat(config).containsEntry("SPRING_DATASOURCE_URL",
                        "jdbc:postgresql://postgres.database.svc.cluster.local:5432/condenser?sslmode=require")
                .containsEntry("SPRING_DATASOURCE_USERNAME", "condenser")
                .containsEntry("CONDENSER_STORAGE_TYPE", "s3").containsEntry("CONDENSER_STORAGE_S3_BUCKET", "condenser")
                .containsEntry("CONDENSER_WEBHOOKS_ALLOWPRIVATETARGETS", "false")
                .doesNotContainKey("SPRING_DATASOURCE_PASSWORD");

        assertSecretsComeFrom(manifests, RELEASE);
        assertThat(manifests.ofKind("PodDisruptionBudget")).hasSize(2);
    }

    @Test
    void theGpuPoolAloneGetsGpusItsNodesAndTheGpuImageAndKedaScalesItOnTheJobsTable() throws Exception {
        Manifests manifests = render(Map.of(
                "workers.gpu.enabled", "true",
                "workers.gpu.autoscaling.enabled", "true",
                "database.password", "database-secret",
                "security.adminKey", "admin-secret",
                "storage.s3.endpoint", "http://minio.minio.svc:9000",
                "storage.s3.pathStyle", "true"));

        Map<String, Object> gpuDeployment = manifests.named("Deployment", GPU_WORKERS);
        Map<String, Object> gpu = container(gpuDeployment);
        Map<String, Object> gpuPod = map(at(gpuDeployment, "spec", "template", "spec"));
        assertThat(at(gpu, "resources", "limits", "nvidia.com/gpu")).isEqualTo(1);
        assertThat(at(gpu, "resources", "limits", "memory")).as("the pool's own limits are kept").isEqualTo("32Gi");
        assertThat(map(gpuPod.get("nodeSelector"))).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(list(gpuPod.get("tolerations"))).anySatisfy(t -> assertThat(map(t))
                .containsEntry("key", "nvidia.com/gpu").containsEntry("effect", "NoSchedule"));
        assertThat(gpu.get("image")).isEqualTo("condenser:0.1.0-gpu");
        assertThat(env(gpu)).containsEntry("CONDENSER_WORKER_DEVICES", "gpu")
                .containsEntry("CONDENSER_WORKER_ENABLED", "true").containsEntry("CONDENSER_API_ENABLED", "false");
        assertThat(at(gpuDeployment, "spec", "replicas")).as("KEDA owns the replica count").isNull();

        for (String name : List.of(API, CPU_WORKERS)) {
            Map<String, Object> deployment = manifests.named("Deployment", name);
            assertThat(at(container(deployment), "resources", "limits", "nvidia.com/gpu")).as(name).isNull();
            assertThat(at(deployment, "spec", "template", "spec", "nodeSelector")).as(name).isNull();
            assertThat(at(deployment, "spec", "template", "spec", "tolerations")).as(name).isNull();
            assertThat(at(container(deployment), "image")).as(name).isEqualTo("condenser:0.1.0");
        }
        assertThat(at(manifests.named("Deployment", CPU_WORKERS), "spec", "replicas")).isEqualTo(1);

        assertThat(manifests.ofKind("ScaledObject")).as("only the pool with autoscaling enabled").hasSize(1);
        Map<String, Object> scaled = manifests.named("ScaledObject", GPU_WORKERS);
        assertThat(at(scaled, "spec", "scaleTargetRef", "name")).isEqualTo(GPU_WORKERS);
        assertThat(at(scaled, "spec", "minReplicaCount")).isEqualTo(0);
        Map<String, Object> trigger = map(at(scaled, "spec", "triggers", 0));
        assertThat(trigger.get("type")).isEqualTo("postgresql");
        assertThat(map(trigger.get("metadata"))).containsEntry("host", "postgres.database.svc.cluster.local")
                .containsEntry("dbName", "condenser").containsEntry("userName", "condenser")
                .containsEntry("sslmode", "require").containsEntry("targetQueryValue", "1");
        Map<String, Object> authentication = manifests.named("TriggerAuthentication",
                (String) at(trigger, "authenticationRef", "name"));
        assertThat(map(at(authentication, "spec", "secretTargetRef", 0))).containsEntry("parameter", "password")
                .containsEntry("name", RELEASE).containsEntry("key", "database-password");

        Map<String, Object> secret = map(at(manifests.named("Secret", RELEASE), "stringData"));
        assertThat(secret).containsEntry("database-password", "database-secret")
                .containsEntry("admin-key", "admin-secret");
        assertThat(map(at(manifests.named("ConfigMap", RELEASE), "data")))
                .containsEntry("CONDENSER_STORAGE_S3_ENDPOINT", "http://minio.minio.svc:9000")
                .containsEntry("CONDENSER_STORAGE_S3_PATHSTYLE", "true");
        assertSecretsComeFrom(manifests, RELEASE);

        String gpuQuery = (String) at(trigger, "metadata", "query");
        String cpuQuery = (String) at(render(Map.of("workers.cpu.autoscaling.enabled", "true"))
                .named("ScaledObject", CPU_WORKERS), "spec", "triggers", 0, "metadata", "query");
        assertScalerQueriesCountWhatEachPoolWouldServe(cpuQuery, gpuQuery);
    }

    @Test
    void changingASecretValueRestartsEveryPod() throws IOException {
        Manifests before = render(Map.of("security.adminKey", "first-admin-key"));
        Manifests after = render(Map.of("security.adminKey", "second-admin-key"));
        Manifests newWebhookSecret = render(Map.of("security.adminKey", "first-admin-key",
                "webhooks.signingSecret", "whsec_c2VydmljZS1zaWduaW5nLXNlY3JldC0xMjM0"));

        for (String deployment : List.of(API, CPU_WORKERS)) {
            Object checksum = podAnnotation(before, deployment, "checksum/secret");
            assertThat(checksum).as(deployment).isNotNull();
            assertThat(podAnnotation(after, deployment, "checksum/secret")).as(deployment).isNotEqualTo(checksum);
            assertThat(podAnnotation(newWebhookSecret, deployment, "checksum/secret")).as(deployment)
                    .isNotEqualTo(checksum);
        }
    }

    @Test
    void aDatabasePasswordOrAnExistingSecretIsRequired() throws IOException {
        assertThatThrownBy(() -> render(Map.of("database.password", "")))
                .hasMessageContaining("database.password is required");
        assertThat(render(Map.of("database.password", "", "secrets.existingSecret", "condenser-credentials"))
                .ofKind("Deployment")).isNotEmpty();
    }

    @Test
    void anExistingSecretReplacesTheChartsOwn() throws IOException {
        Manifests manifests = render(Map.of("secrets.existingSecret", "condenser-credentials",
                "workers.cpu.autoscaling.enabled", "true"));

        assertThat(manifests.ofKind("Secret")).isEmpty();
        assertSecretsComeFrom(manifests, "condenser-credentials");
        assertThat(at(manifests.named("TriggerAuthentication", "condenser-postgres"), "spec", "secretTargetRef", 0,
                "name")).isEqualTo("condenser-credentials");
    }

    @Test
    void filesystemStorageMountsTheSharedClaimAndIsRefusedWithoutOne() throws IOException {
        Manifests manifests = render(Map.of("storage.type", "filesystem",
                "storage.filesystem.existingClaim", "condenser-artifacts"));
        for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
            assertThat(list(at(deployment, "spec", "template", "spec", "volumes")))
                    .anySatisfy(v -> assertThat(at(v, "persistentVolumeClaim", "claimName"))
                            .isEqualTo("condenser-artifacts"));
        }
        assertThat(map(at(manifests.named("ConfigMap", RELEASE), "data")))
                .containsEntry("CONDENSER_STORAGE_TYPE", "filesystem").doesNotContainKey("CONDENSER_STORAGE_S3_BUCKET");

        assertThatThrownBy(() -> render(Map.of("storage.type", "filesystem")))
                .hasMessageContaining("storage.filesystem.existingClaim");
        assertThatThrownBy(() -> render(Map.of("workers.cpu.devices", "tpu")))
                .hasMessageContaining("workers.cpu.devices");
    }

    /** Renders the chart with a database password (which it requires) and the given values. */
    private static Manifests render(Map<String, String> values) throws IOException {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace("condenser")
                .withKubeVersion("1.31.0").set("database.password", "test-password");
        for (Map.Entry<String, String> value : values.entrySet()) {
            template = template.set(value.getKey(), value.getValue());
        }
        return Manifests.parse(template.call());
    }

    private static Object podAnnotation(Manifests manifests, String deployment, String name) {
        return map(at(manifests.named("Deployment", deployment), "spec", "template", "metadata", "annotations"))
                .get(name);
    }

    /** Every variable read from a secret names the expected Secret and one of the keys the chart documents. */
    private static void assertSecretsComeFrom(Manifests manifests, String secretName) {
        for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
            Map<String, List<Object>> refs = secretEnv(container(deployment));
            assertThat(refs).containsKeys("SPRING_DATASOURCE_PASSWORD", "CONDENSER_SECURITY_ADMINKEY",
                    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "CONDENSER_WEBHOOKS_SIGNINGSECRET");
            refs.forEach((variable, ref) -> {
                assertThat(ref.get(0)).as(variable).isEqualTo(secretName);
                assertThat(SECRET_KEYS).as(variable).contains((String) ref.get(1));
            });
            assertThat(refs.get("SPRING_DATASOURCE_PASSWORD").get(2)).as("the database password is required")
                    .isEqualTo(false);
            assertThat(env(container(deployment))).as("no secret as a plain value")
                    .doesNotContainKeys("SPRING_DATASOURCE_PASSWORD", "CONDENSER_SECURITY_ADMINKEY",
                            "AWS_SECRET_ACCESS_KEY");
        }
    }

    /**
     * Runs both pools' scaler queries on the real schema (Flyway's migrations in a schema of their own) with a job
     * in every situation a pool must count or ignore.
     */
    private static void assertScalerQueriesCountWhatEachPoolWouldServe(String cpuQuery, String gpuQuery)
            throws SQLException {
        TestPostgres.Connection database = TestPostgres.shared();
        String schema = "keda_probe_" + UUID.randomUUID().toString().replace("-", "");
        Flyway.configure().dataSource(database.url(), database.username(), database.password()).schemas(schema)
                .locations("classpath:db/migration").load().migrate();
        try (Connection connection = DriverManager.getConnection(database.url(), database.username(),
                database.password()); Statement statement = connection.createStatement()) {
            try {
                statement.execute("SET search_path TO " + schema);
                String[][] jobs = {
                        {"QUEUED", "cpu", null}, {"QUEUED", "auto", null}, {"QUEUED", "gpu", null},
                        {"RUNNING", "auto", "gpu"}, {"CANCELLING", "cpu", "cpu"}, {"RUNNING", "gpu", "gpu"},
                        {"SUCCEEDED", "gpu", "gpu"}, {"FAILED", "cpu", "cpu"}, {"CANCELLED", "auto", null}};
                for (String[] job : jobs) {
                    statement.execute("INSERT INTO jobs (id, tenant_id, status, device, spec, max_attempts, "
                            + "worker_device, created_at, updated_at) VALUES (gen_random_uuid(), "
                            + "(SELECT id FROM tenants WHERE name = 'default'), '" + job[0] + "', '" + job[1]
                            + "', '{}', 3, " + (job[2] == null ? "NULL" : "'" + job[2] + "'") + ", now(), now())");
                }
                // cpu pool: queued cpu + queued auto + cancelling on cpu; gpu pool: queued gpu + two running on gpu.
                assertThat(count(statement, cpuQuery)).isEqualTo(3);
                assertThat(count(statement, gpuQuery)).isEqualTo(3);
            } finally {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static long count(Statement statement, String query) throws SQLException {
        try (ResultSet result = statement.executeQuery(query)) {
            assertThat(result.next()).isTrue();
            return result.getLong(1);
        }
    }

    private static Map<String, Object> podLabels(Map<String, Object> deployment) {
        return map(at(deployment, "spec", "template", "metadata", "labels"));
    }

    private static List<String> emptyDirMounts(Map<String, Object> pod, Map<String, Object> container) {
        Set<String> emptyDirs = new HashSet<>();
        for (Object volume : list(pod.get("volumes"))) {
            if (map(volume).containsKey("emptyDir")) {
                emptyDirs.add((String) map(volume).get("name"));
            }
        }
        return list(container.get("volumeMounts")).stream().map(Manifests::map)
                .filter(m -> emptyDirs.contains((String) m.get("name"))).map(m -> (String) m.get("mountPath"))
                .toList();
    }

    /** The numeric user the image runs as: the pods' runAsUser must be the same. */
    private static long dockerfileUser() throws IOException {
        String dockerfile = Files.readString(ExternalTools.projectRoot().resolve("Dockerfile"));
        Matcher user = Pattern.compile("(?m)^USER (\\d+)(?::\\d+)?$").matcher(dockerfile);
        assertThat(user.find()).as("the Dockerfile sets a numeric USER").isTrue();
        return Long.parseLong(user.group(1));
    }
}
