package dev.backlot.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link Multipart} on {@code multipart/form-data} as browsers, curl and requests send it (file
 * uploads to ComfyUI and Gradio). The reader is the one the GCS fake brought; this covers the
 * form-data side.
 */
class MultipartFormDataTest {

  private static final String CT = "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW";

  @Test
  void fileAndFieldParts() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, '-', '-'};
    byte[] body = concat(
        "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
            + "Content-Disposition: form-data; name=\"image\"; filename=\"my pic.png\"\r\n"
            + "Content-Type: image/png\r\n\r\n",
        png,
        "\r\n------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
            + "Content-Disposition: form-data; name=\"overwrite\"\r\n\r\n"
            + "true\r\n"
            + "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
            + "Content-Disposition: form-data; name=\"subfolder\"\r\n\r\n"
            + "\r\n"
            + "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n");
    List<Multipart.Part> parts = Multipart.parse(CT, body);
    assertThat(parts).hasSize(3);
    assertThat(parts.get(0).name()).isEqualTo("image");
    assertThat(parts.get(0).filename()).isEqualTo("my pic.png");
    assertThat(parts.get(0).contentType()).isEqualTo("image/png");
    assertThat(parts.get(0).body()).isEqualTo(png); // binary, CRLF and dashes inside kept
    assertThat(parts.get(1).name()).isEqualTo("overwrite");
    assertThat(parts.get(1).filename()).isNull();
    assertThat(parts.get(1).text()).isEqualTo("true");
    assertThat(parts.get(2).text()).isEmpty();
  }

  @Test
  void quotedBoundaryAndBareLineFeeds() {
    byte[] body = ("--xyz\nContent-Disposition: form-data; name=\"a\"\n\n1\n--xyz--\n")
        .getBytes(StandardCharsets.UTF_8);
    List<Multipart.Part> parts = Multipart.parse("multipart/form-data; boundary=\"xyz\"", body);
    assertThat(parts).hasSize(1);
    assertThat(parts.get(0).text()).isEqualTo("1");
  }

  @Test
  void roundTripsThroughWrite() {
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.put("Content-Disposition", "form-data; name=\"image\"; filename=\"x.png\"");
    byte[] body = Multipart.write("b0undary", List.of(new Multipart.Part(h, new byte[] {1, 2, 3})));
    Multipart.Part p = Multipart.parse("multipart/form-data; boundary=b0undary", body).get(0);
    assertThat(p.filename()).isEqualTo("x.png");
    assertThat(p.body()).containsExactly(1, 2, 3);
  }

  @Test
  void malformedBodiesAre400s() {
    assertThatThrownBy(() -> Multipart.parse("multipart/form-data", new byte[0]))
        .isInstanceOf(HttpError.class).satisfies(e -> assertThat(((HttpError) e).status()).isEqualTo(400));
    assertThatThrownBy(() -> Multipart.parse(CT, "no boundary here".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(HttpError.class);
    assertThatThrownBy(() -> Multipart.parse(CT,
        "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated"
            .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(HttpError.class);
  }

  private static byte[] concat(Object... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Object p : parts) {
      out.writeBytes(p instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) p);
    }
    return out.toByteArray();
  }
}
