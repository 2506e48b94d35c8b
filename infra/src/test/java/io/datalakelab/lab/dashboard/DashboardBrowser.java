package io.datalakelab.lab.dashboard;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard page in a real headless browser: Debian's {@code chromium} driven through its {@code chromedriver}
 * (apt: chromium chromium-driver). Both paths are given to Selenium, so it never looks for or downloads either.
 */
public final class DashboardBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final int WIDTH = 1440;

    private final ChromeDriver driver;

    public DashboardBrowser() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the dashboard test needs Debian's chromium and its driver at " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (README: apt-get install chromium chromium-driver)");
        }
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=" + WIDTH + ",1000",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    public void open(String url) {
        driver.get(url);
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The attribute of the first element matching {@code css}, or null when there is none. */
    public String attribute(String css, String attribute) {
        List<WebElement> found = all(css);
        return found.isEmpty() ? null : found.get(0).getDomAttribute(attribute);
    }

    public String text(String css) {
        List<WebElement> found = all(css);
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    /**
     * Polls the page until {@code condition} holds; on timeout the error carries what the page showed and its console,
     * which is what one needs to see why.
     */
    public void await(String what, Duration timeout, java.util.concurrent.Callable<Boolean> condition) throws InterruptedException {
        try {
            io.datalakelab.testkit.Await.until(what, timeout, condition);
        } catch (AssertionError e) {
            String page = text("body");
            throw new AssertionError(e.getMessage() + "\nconsole: " + driver.manage().logs().get(LogType.BROWSER).getAll()
                    + "\npage:\n" + page.substring(0, Math.min(page.length(), 3000)), e);
        }
    }

    /** Console messages at {@code SEVERE} (errors: failed loads, exceptions, CSP violations) since the last call. */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::toString).toList();
    }

    /** Opens the sections matching {@code openCss}, grows the window to the page's height and saves the whole page as PNG. */
    public void screenshot(Path file, String openCss) throws IOException {
        if (openCss != null) {
            ((JavascriptExecutor) driver).executeScript("document.querySelectorAll(arguments[0]).forEach(d => d.open = true)", openCss);
        }
        long height = (Long) ((JavascriptExecutor) driver).executeScript(
                "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)");
        driver.manage().window().setSize(new Dimension(WIDTH, (int) Math.min(height + 20, 6000)));
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.createDirectories(file.getParent());
        Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        driver.manage().window().setSize(new Dimension(WIDTH, 1000));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
