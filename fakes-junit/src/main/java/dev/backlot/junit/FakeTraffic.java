package dev.backlot.junit;

/**
 * The traffic of the fakes a failed test could reach, attached to the test's failure as a
 * suppressed exception so that it appears wherever the failure is reported (console, IDE, CI
 * report). It carries no stack trace: its message is the report.
 *
 * <pre>
 * org.opentest4j.AssertionFailedError: expected: 21 but was: -1
 *     at ...
 *     Suppressed: dev.backlot.junit.FakeTraffic: traffic of the fakes of WeatherClientTest.retriesA503()
 *   api [http] http://127.0.0.1:40121
 *     #1 GET /forecast -&gt; 503 (2 ms) =&gt; {"error":{"code":503,"message":"Service Unavailable"}}
 *     #2 GET /forecast -&gt; 503 (1 ms) =&gt; ...
 * </pre>
 */
public final class FakeTraffic extends RuntimeException {

  private static final long serialVersionUID = 1L;

  FakeTraffic(String report) {
    super(report, null, false, false);
  }
}
