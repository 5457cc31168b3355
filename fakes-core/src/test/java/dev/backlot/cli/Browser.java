package dev.backlot.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven by Selenium, from Debian's {@code chromium} and {@code chromium-driver}
 * packages ({@code .ci/run} installs them). Without them the tests using it are skipped visibly.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target/dashboard-screenshots");

  final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /** A 1280x800 headless Chromium; skips the calling test when the packages are missing. */
  static Browser open() {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver):"
            + " the dashboard's browser tests are skipped");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1280,800", "--allow-file-access-from-files");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    // the viewport, not the window, at 1280x800
    var size = (java.util.List<?>) driver.executeScript(
        "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]");
    driver.manage().window().setSize(new org.openqa.selenium.Dimension(
        1280 + ((Number) size.get(0)).intValue(), 800 + ((Number) size.get(1)).intValue()));
    return new Browser(driver);
  }

  /** Waits (generously: this machine stalls at random) until {@code condition} is true or non-null. */
  <T> T await(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(30))
        .withMessage(what)
        .pollingEvery(Duration.ofMillis(50))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class) // the page re-renders live
        .until(condition);
  }

  /** Clicks the element {@code by} finds, finding it again if a live re-render replaced it. */
  void click(org.openqa.selenium.By by) {
    await("click " + by, d -> {
      d.findElement(by).click();
      return true;
    });
  }

  /** The visible text of the element {@code by} finds, once it exists. */
  String textOf(org.openqa.selenium.By by) {
    return await("text of " + by, d -> d.findElement(by).getText());
  }

  Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
