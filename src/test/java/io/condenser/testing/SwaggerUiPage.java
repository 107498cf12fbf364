package io.condenser.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Swagger UI as a user sees it, for browser tests: what is on the page and what a user does with an operation. Each
 * interaction waits for the page to answer it.
 */
public final class SwaggerUiPage {

    private final WebDriver driver;
    private final WebDriverWait wait;

    private SwaggerUiPage(WebDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    /** Opens Swagger UI and waits until it has rendered the contract's operations. */
    public static SwaggerUiPage open(WebDriver driver, String baseUrl) {
        driver.get(baseUrl + "/swagger-ui/index.html");
        SwaggerUiPage page = new SwaggerUiPage(driver);
        page.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".opblock")));
        return page;
    }

    /** Enters an API key in the "Authorize" dialog, as a user does before trying operations. */
    public SwaggerUiPage authorize(String apiKey) {
        driver.findElement(By.cssSelector(".auth-wrapper button.authorize")).click();
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".modal-ux")));
        dialog.findElement(By.cssSelector(".auth-container input")).sendKeys(apiKey);
        dialog.findElement(By.cssSelector(".auth-btn-wrapper button.authorize")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".modal-ux .auth-btn-wrapper"
                + " button.btn-done"))).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".modal-ux")));
        return this;
    }

    public String title() {
        return driver.findElement(By.cssSelector(".info .title")).getText();
    }

    /** The element ids of the listed operations: "operations-{tag}-{operationId}". */
    public List<String> operationIds() {
        return driver.findElements(By.cssSelector(".opblock")).stream().map(e -> e.getDomAttribute("id")).toList();
    }

    public Operation operation(String tag, String operationId) {
        return new Operation("operations-" + tag + "-" + operationId);
    }

    /** One operation block: expand it, try it out, fill its inputs, execute it, read the live response. */
    public final class Operation {

        private final String id;

        private Operation(String id) {
            this.id = id;
        }

        private WebElement block() {
            return driver.findElement(By.id(id));
        }

        private WebElement find(String css) {
            return wait.until(d -> {
                List<WebElement> found = block().findElements(By.cssSelector(css));
                return found.isEmpty() || !found.getFirst().isDisplayed() ? null : found.getFirst();
            });
        }

        private void click(WebElement element) {
            ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
            wait.until(ExpectedConditions.elementToBeClickable(element)).click();
        }

        public Operation expand() {
            click(find(".opblock-summary-control"));
            find(".opblock-body");
            return this;
        }

        public Operation tryItOut() {
            click(find("button.try-out__btn"));
            find("button.execute");
            return this;
        }

        /** Chooses a file for a multipart file field, as the file dialog would. */
        public Operation chooseFile(String field, Path file) {
            find("tr[data-property-name='" + field + "'] input[type='file']").sendKeys(file.toAbsolutePath().toString());
            return this;
        }

        /** Types into a multipart text field. */
        public Operation type(String field, String text) {
            WebElement input = find("tr[data-property-name='" + field + "'] input");
            input.clear();
            input.sendKeys(text);
            return this;
        }

        public Response execute() {
            click(find("button.execute"));
            WebElement status = find(".live-responses-table .response .response-col_status");
            String body = find(".live-responses-table .response .response-col_description pre").getText();
            return new Response(Integer.parseInt(status.getText().strip()), body);
        }
    }

    /** The response Swagger UI shows after "Execute". */
    public record Response(int status, String body) {
    }
}
