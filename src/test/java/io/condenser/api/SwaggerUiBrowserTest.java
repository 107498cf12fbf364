package io.condenser.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.ApiClient;
import io.condenser.testing.ExternalTools;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.SwaggerUiPage;
import io.condenser.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Swagger UI in a real headless Chromium: the contract's operations are listed and an upload works from the page. */
class SwaggerUiBrowserTest extends IntegrationTestSupport {

    private static final String INSTALL = "apt-get install --no-install-recommends chromium chromium-driver";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    private ChromeDriver browser;

    @BeforeEach
    void startBrowser() {
        ExternalTools.requireAt(CHROMIUM, INSTALL);
        ExternalTools.requireAt(CHROMEDRIVER, INSTALL);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1200");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void listsEveryOperationOfTheContract() throws Exception {
        SwaggerUiPage page = SwaggerUiPage.open(browser, baseUrl());

        assertThat(page.title()).startsWith("Condenser");
        assertThat(page.operationIds()).containsExactlyInAnyOrderElementsOf(contractOperationIds());
    }

    @Test
    void uploadsAModelThroughTryItOut() throws Exception {
        Path model = TestModels.write(TestModels.mlp(4, 8, 3, 7), dir.resolve("swagger-mlp.onnx"));

        SwaggerUiPage.Response response = SwaggerUiPage.open(browser, baseUrl())
                .authorize(ADMIN_KEY)
                .operation("models", "uploadModel").expand().tryItOut()
                .chooseFile("file", model).type("name", "uploaded-in-swagger-ui")
                .execute();

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode created = JsonMapper.builder().build().readTree(response.body());
        ApiClient.Response stored = api().get("/v1/models/" + created.get("id").asString());
        assertThat(stored.status()).as(stored.text()).isEqualTo(200);
        assertThat(stored.json().get("name").asString()).isEqualTo("uploaded-in-swagger-ui");
        assertThat(stored.json().get("sizeBytes").asLong()).isEqualTo(Files.size(model));
        assertThat(stored.json().get("sha256").asString()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model))));
    }

    private String baseUrl() {
        return "http://localhost:" + port;
    }

    /** "operations-{tag}-{operationId}" for every operation in openapi.yaml, as Swagger UI names their blocks. */
    @SuppressWarnings("unchecked")
    private static List<String> contractOperationIds() throws Exception {
        Map<String, Object> contract;
        try (var in = Files.newInputStream(ExternalTools.projectRoot().resolve("openapi.yaml"))) {
            contract = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
        List<String> ids = new ArrayList<>();
        for (Object path : ((Map<String, Object>) contract.get("paths")).values()) {
            for (Object operation : ((Map<String, Object>) path).values()) {
                if (operation instanceof Map<?, ?> op && op.containsKey("operationId")) {
                    for (Object tag : (List<Object>) op.get("tags")) {
                        ids.add("operations-" + tag + "-" + op.get("operationId"));
                    }
                }
            }
        }
        assertThat(ids).as("operations in the contract").hasSizeGreaterThan(10);
        return ids;
    }
}
