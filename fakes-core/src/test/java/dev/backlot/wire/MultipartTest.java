package dev.backlot.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void parsesRelatedPartsWithCrlfPreambleAndEpilogue() {
    String body = "preamble to ignore\r\n"
        + "--XyZ\r\nContent-Type: application/json\r\n\r\n{\"name\":\"a\"}\r\n"
        + "--XyZ\r\nContent-Type: image/png\r\nX-Extra:  spaced  \r\n\r\n\u0089PNG\r\n"
        + "--XyZ--\r\nepilogue";
    List<Multipart.Part> parts = Multipart.parse("multipart/related; boundary=XyZ", bytes(body));
    assertThat(parts).hasSize(2);
    assertThat(parts.get(0).text()).isEqualTo("{\"name\":\"a\"}");
    assertThat(parts.get(0).contentType()).isEqualTo("application/json");
    assertThat(parts.get(1).header("x-extra")).isEqualTo("spaced");
    assertThat(parts.get(1).text()).isEqualTo("\u0089PNG");
  }

  @Test
  void acceptsLfLinesAndQuotedBoundaries() {
    String body = "--b 1\nContent-Type: text/plain\n\none\n--b 1\n\ntwo\n--b 1--";
    assertThat(Multipart.parse("multipart/mixed; boundary=\"b 1\"", bytes(body)))
        .extracting(Multipart.Part::text).containsExactly("one", "two");
    String single = "--q\r\n\r\nx\r\n--q--\r\n";
    assertThat(Multipart.parse("multipart/related; boundary='q'", bytes(single)).get(0).text()).isEqualTo("x");
  }

  @Test
  void formDataNamesAndFilenames() {
    String body = "--f\r\nContent-Disposition: form-data; name=\"image\"; filename=\"cat.png\"\r\n"
        + "Content-Type: image/png\r\n\r\nPNGDATA\r\n--f\r\nContent-Disposition: form-data; name=\"overwrite\"\r\n\r\ntrue\r\n--f--\r\n";
    List<Multipart.Part> parts = Multipart.parse("multipart/form-data; boundary=f", bytes(body));
    assertThat(parts.get(0).name()).isEqualTo("image");
    assertThat(parts.get(0).filename()).isEqualTo("cat.png");
    assertThat(parts.get(1).name()).isEqualTo("overwrite");
    assertThat(parts.get(1).filename()).isNull();
    assertThat(parts.get(1).text()).isEqualTo("true");
  }

  @Test
  void binaryBodiesThatLookLikeBoundariesInsideALineSurvive() {
    byte[] data = new byte[100_000];
    new Random(1).nextBytes(data);
    byte[] tricky = bytes("not a delimiter: --bnd inside a line");
    System.arraycopy(tricky, 0, data, 500, tricky.length);
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/octet-stream");
    byte[] written = Multipart.write("bnd", List.of(new Multipart.Part(h, data), new Multipart.Part(Map.of(), new byte[0])));
    List<Multipart.Part> back = Multipart.parse("multipart/mixed; boundary=bnd", written);
    assertThat(back).hasSize(2);
    assertThat(back.get(0).body()).isEqualTo(data);
    assertThat(back.get(0).contentType()).isEqualTo("application/octet-stream");
    assertThat(back.get(1).body()).isEmpty();
    assertThat(new String(written, 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("--bnd");
  }

  @Test
  void malformedBodiesAre400() {
    assertThatThrownBy(() -> Multipart.parse("multipart/related", bytes("x")))
        .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(() -> Multipart.parse("multipart/related; boundary=z", bytes("no boundary here")))
        .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(() -> Multipart.parse("multipart/related; boundary=z", bytes("--z\r\n\r\nunterminated")))
        .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.getMessage()).contains("closing boundary"));
    assertThat(Multipart.parameter("text/plain; charset=UTF-8", "CHARSET")).isEqualTo("UTF-8");
    assertThat(Multipart.parameter("text/plain", "charset")).isNull();
  }
}
