package dev.backlot.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.wire.Response;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cold start: a fresh JVM that starts an HttpFake with a fixed JSON stub and gets one answer
 * loads no Jackson mapper (some 400 classes) and no other fake. Runs a child JVM with class-load
 * logging; no timing is asserted (fakes-bench's ColdStart measures that).
 */
class ColdStartClassesTest {

  /** The child: start, one stubbed answer, print a marker, exit. */
  public static void main(String[] args) throws Exception {
    try (HttpFake fake = new HttpFake().start()) {
      fake.stub("GET", "/ping").respond(Response.json(200, "{\"ok\":true}"));
      HttpURLConnection c = (HttpURLConnection)
          URI.create(fake.baseUri() + "/ping").toURL().openConnection();
      try (InputStream in = c.getInputStream()) {
        in.readAllBytes();
      }
      System.out.println("ANSWERED " + c.getResponseCode());
      System.out.flush();
    }
  }

  @Test
  void aStubbedFakeLoadsNoJacksonMapperAndNoOtherFake() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xlog:class+load=info", "-cp",
        System.getProperty("java.class.path"), ColdStartClassesTest.class.getName())
        .redirectErrorStream(true).start();
    List<String> loaded = new ArrayList<>();
    String answered = null;
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("ANSWERED")) {
          answered = line;
          break; // what loads while closing does not count
        }
        int at = line.indexOf("] ");
        int end = line.indexOf(" source:");
        if (at >= 0 && end > at) {
          loaded.add(line.substring(at + 2, end));
        }
      }
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(answered).isEqualTo("ANSWERED 200");
    assertThat(loaded).contains(HttpFake.class.getName());
    assertThat(loaded.stream().filter(c -> c.equals("com.fasterxml.jackson.databind.ObjectMapper")
            || c.startsWith("dev.backlot.redis.") || c.startsWith("dev.backlot.openai.")
            || c.startsWith("dev.backlot.comfyui.") || c.startsWith("dev.backlot.cli.")))
        .as("classes a stubbed HttpFake does not need before its first answer")
        .isEmpty();
  }
}
