package dev.backlot.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.Fake;
import dev.backlot.wire.Json;
import dev.backlot.journal.Entry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * The dashboard as a static report of a test run: {@code DIR/index.html} lists the tests and shows,
 * per test, its fakes and their traffic on one timeline, with the same page as the launcher's
 * live dashboard. It opens from disk ({@code file://}) with no server: the data sit in script
 * files beside the page ({@code data/tests.js}, one {@code data/<test>.js} per test), loaded by
 * script tags, never by {@code fetch()}.
 *
 * <pre>{@code
 * URI link = DashboardReport.write(Path.of("target/backlot-reports"), "com.acme.WeatherTest",
 *     "retriesA503", "failed", failure.toString(), Map.of("api", api));
 * // file:///.../target/backlot-reports/index.html#test=com.acme.WeatherTest.retriesA503
 * }</pre>
 *
 * <p>Several test classes (threads, or forked JVMs) may write to one directory at once: each
 * test's data is its own file and the list of tests is appended under a file lock. A test run
 * again replaces its earlier row.
 */
public final class DashboardReport {

  private static final String PLACEHOLDER = "<!--BACKLOT-DATA-->";

  private DashboardReport() {}

  /**
   * Writes one test's traffic and the page around it.
   *
   * @param result "passed", "failed" or "aborted"
   * @param failure the failure's text, or null
   * @param fakes label to fake, in the order to show them
   * @return the page's {@code file:} URI, opening on this test
   */
  public static URI write(Path dir, String className, String testName, String result, String failure,
      Map<String, ? extends Fake> fakes) {
    String id = safe(className) + "." + safe(testName);
    ObjectNode root = Json.object();
    root.put("id", id);
    root.put("class", className);
    root.put("test", testName);
    root.put("result", result);
    if (failure != null) {
      root.put("failure", failure);
    }
    root.put("time", Instant.now().toString());
    ArrayNode fs = root.putArray("fakes");
    fakes.forEach((label, f) -> {
      ObjectNode card = DashboardJson.fake(label, f);
      ArrayNode entries = card.putArray("entries");
      for (Entry e : f.journal().entries()) {
        entries.add(DashboardJson.detail(label, e));
      }
      DashboardJson.jobsOf(f).ifPresent(engine -> card.set("jobs", DashboardJson.jobs(engine)));
      fs.add(card);
    });
    try {
      Path data = dir.resolve("data");
      Files.createDirectories(data);
      String file = "data/" + id + ".js";
      writeAtomically(dir.resolve(file), ("BACKLOT_LOAD(" + Json.write(root) + ");\n").getBytes(StandardCharsets.UTF_8));
      ObjectNode row = Json.object().put("id", id).put("class", className).put("test", testName)
          .put("result", result).put("file", file);
      append(data.resolve("tests.js"),
          "(window.BACKLOT_TESTS = window.BACKLOT_TESTS || []).push(" + Json.write(row) + ");\n");
      writePage(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Backlot could not write the HTML report in " + dir, e);
    }
    return URI.create(dir.toAbsolutePath().normalize().resolve("index.html").toUri() + "#test=" + id);
  }

  /** The page and its script and style, rewritten only when they changed (a new Backlot version). */
  private static void writePage(Path dir) throws IOException {
    String html = new String(Dashboard.resource("index.html"), StandardCharsets.UTF_8)
        .replace(PLACEHOLDER, "<script src=\"data/tests.js\"></script>")
        .replace("data-mode=\"live\"", "data-mode=\"report\"");
    writeIfChanged(dir.resolve("index.html"), html.getBytes(StandardCharsets.UTF_8));
    Files.createDirectories(dir.resolve("dashboard"));
    writeIfChanged(dir.resolve("dashboard/app.js"), Dashboard.resource("app.js"));
    writeIfChanged(dir.resolve("dashboard/app.css"), Dashboard.resource("app.css"));
  }

  private static void writeIfChanged(Path file, byte[] content) throws IOException {
    if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), content)) {
      return;
    }
    writeAtomically(file, content);
  }

  private static void writeAtomically(Path target, byte[] content) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), ".backlot", ".tmp");
    Files.write(tmp, content);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Appends one line under an exclusive file lock (other JVMs of the same run may append too) and
   * this class's monitor (a second lock from the same JVM would throw).
   */
  private static synchronized void append(Path file, String line) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
        FileLock lock = ch.lock()) {
      ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  /** A file-name-safe form: letters, digits, {@code . _ $ -}; long names shortened with a hash. */
  static String safe(String s) {
    String t = s.replaceAll("[^A-Za-z0-9._$-]+", "_");
    return t.length() > 120 ? t.substring(0, 120) + "_" + Integer.toHexString(s.hashCode()) : t;
  }
}
