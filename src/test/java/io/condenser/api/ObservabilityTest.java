package io.condenser.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.job.JobMetrics;
import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestModels;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Probes and Prometheus metrics, as a platform scrapes and probes them. */
class ObservabilityTest extends IntegrationTestSupport {

    @Autowired
    JobMetrics jobMetrics;

    @Test
    void readinessReflectsTheDatabaseAndTheArtifactStoreAndLivenessIsUp() {
        ApiClient.Response readiness = api().get("/actuator/health/readiness");
        assertThat(readiness.status()).as(readiness.text()).isEqualTo(200);
        assertThat(readiness.json().get("status").asString()).isEqualTo("UP");
        assertThat(readiness.json().at("/components/db/status").asString()).isEqualTo("UP");
        assertThat(readiness.json().at("/components/artifactStore/status").asString()).isEqualTo("UP");
        assertThat(api().get("/actuator/health/liveness").status()).isEqualTo(200);
    }

    @Test
    void queueDepthAndUploadBytesAreExportedForPrometheus() {
        String modelId = api().uploadModel("m.onnx", TestModels.mlp(16, 8, 4, 3).toByteArray()).json().get("id")
                .asString();
        api().postJson("/v1/jobs", Map.of("modelId", modelId, "steps",
                List.of(Map.of("type", "quantize", "mode", "dynamic")), "device", "cpu"));
        long queuedCpuJobs = jdbc.sql("SELECT count(*) FROM jobs WHERE status = 'QUEUED' AND device = 'cpu'")
                .query(Long.class).single();
        jobMetrics.refresh();

        ApiClient.Response scrape = api().get("/actuator/prometheus");

        assertThat(scrape.status()).isEqualTo(200);
        String text = scrape.text();
        assertThat(sample(text, "condenser_jobs", "device=\"cpu\"", "status=\"QUEUED\""))
                .isEqualTo(queuedCpuJobs);
        assertThat(sample(text, "condenser_upload_bytes_count", "kind=\"model\"")).isPositive();
        assertThat(text).as("this test's service runs no worker").doesNotContain("condenser_worker_slots");
    }

    /** The value of the sample of {@code metric} whose labels include every one given. */
    private static double sample(String text, String metric, String... labels) {
        Matcher lines = Pattern.compile("(?m)^" + metric + "\\{([^}]*)\\} (\\S+)$").matcher(text);
        while (lines.find()) {
            String found = lines.group(1);
            if (List.of(labels).stream().allMatch(found::contains)) {
                return Double.parseDouble(lines.group(2));
            }
        }
        throw new AssertionError("no " + metric + " sample with " + List.of(labels) + " in:\n" + text);
    }
}
