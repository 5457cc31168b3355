package dev.backlot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Bodies as the dashboard shows them: binary as type and size, long text cut. */
class DashboardJsonTest {

  @Test
  void binaryBodiesAreSummarisedAsTypeAndSize() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13};
    assertThat(DashboardJson.body(png, 5000, "image/png", 100)).isEqualTo("(binary image/png, 5000 bytes)");
    assertThat(DashboardJson.body(png, 8, null, 100)).isEqualTo("(binary body, 8 bytes)");
    byte[] badUtf8 = {'a', (byte) 0xC3, 'b', (byte) 0xFF, 'c', 'd'};
    assertThat(DashboardJson.body(badUtf8, 6, "application/octet-stream", 100)).startsWith("(binary");
  }

  @Test
  void textIsCutAtTheLimitWithTheFullSizeNoted() {
    byte[] text = "héllo wörld".getBytes(StandardCharsets.UTF_8);
    assertThat(DashboardJson.body(text, text.length, null, 100)).isEqualTo("héllo wörld");
    assertThat(DashboardJson.body(text, text.length, "text/plain", 5)).isEqualTo("héllo... (" + text.length + " bytes)");
    // a journal cap that split a character still reads as text
    byte[] capped = Arrays.copyOf(text, 2);
    assertThat(DashboardJson.body(capped, text.length, null, 100)).isEqualTo("h... (" + text.length + " bytes)");
    assertThat(DashboardJson.body("{\"a\":1}".getBytes(StandardCharsets.UTF_8), 7, "application/json", 100)).isEqualTo("{\"a\":1}");
  }
}
