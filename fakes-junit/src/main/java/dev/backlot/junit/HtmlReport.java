package dev.backlot.junit;

import dev.backlot.Fake;
import dev.backlot.cli.DashboardReport;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTML side of {@link BacklotTest#reports()}: {@code <dir>/index.html}, the dashboard page
 * listing every test of the run with its fakes' traffic on one timeline, readable from disk
 * ({@code file://}, no server). A failing test's message links to its page.
 */
final class HtmlReport {

  private HtmlReport() {}

  /** Writes the test's page data; returns the link that opens the report on this test. */
  static URI write(Path dir, String className, String testName, String result, Throwable failure,
      List<FakeRegistry.Managed> fakes) {
    Map<String, Fake> byLabel = new LinkedHashMap<>();
    for (FakeRegistry.Managed m : fakes) {
      byLabel.putIfAbsent(m.label(), m.fake());
    }
    return DashboardReport.write(dir, className, testName, result,
        failure == null ? null : failure.toString(), byLabel);
  }
}
