package dev.backlot.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PathTemplateTest {

  @Test
  void literalAndVariableSegments() {
    PathTemplate t = PathTemplate.of("/storage/v1/b/{bucket}/o/{object}");
    assertThat(t.match("/storage/v1/b/pics/o/a%2Fb%20c.png"))
        .isEqualTo(Map.of("bucket", "pics", "object", "a/b c.png"));
    assertThat(t.match("/storage/v1/b/pics/o")).isNull();
    assertThat(t.match("/storage/v1/b/pics/o/a/b")).isNull();
    assertThat(t.match("/storage/v2/b/pics/o/a")).isNull();
  }

  @Test
  void plusInAPathIsAPlus() {
    assertThat(PathTemplate.of("/o/{name}").match("/o/a+b")).isEqualTo(Map.of("name", "a+b"));
  }

  @Test
  void trailingSlashesAndRoot() {
    assertThat(PathTemplate.of("/prompt").match("/prompt/")).isEqualTo(Map.of());
    assertThat(PathTemplate.of("/").match("/")).isEqualTo(Map.of());
    assertThat(PathTemplate.of("/").match("/x")).isNull();
  }

  @Test
  void restVariableKeepsTheRawRemainderDecoded() {
    PathTemplate t = PathTemplate.of("/{bucket}/{object*}");
    assertThat(t.match("/b/dir//file%20x.txt"))
        .isEqualTo(Map.of("bucket", "b", "object", "dir//file x.txt"));
    assertThat(t.match("/b")).isNull();
  }

  @Test
  void prefixAndSuffixInsideASegment() {
    assertThat(PathTemplate.of("/v1beta/models/{model}:predictLongRunning")
            .match("/v1beta/models/veo-3.0-generate-001:predictLongRunning"))
        .isEqualTo(Map.of("model", "veo-3.0-generate-001"));
    assertThat(PathTemplate.of("/v1beta/models/{model}:predictLongRunning")
            .match("/v1beta/models/:predictLongRunning"))
        .isNull();
    assertThat(PathTemplate.of("/gradio_api/file={path*}").match("/gradio_api/file=/tmp/a/b.png"))
        .isEqualTo(Map.of("path", "/tmp/a/b.png"));
  }

  @Test
  void badTemplatesAreRefused() {
    assertThatThrownBy(() -> PathTemplate.of("no-slash")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PathTemplate.of("/a/{x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PathTemplate.of("/a/{x*}/b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void requestQueryParsing() {
    Request r = Request.of("GET", "/o?prefix=a%2Fb&x=1&x=2&flag&name=a+b", Map.of("Accept", "x"), null);
    assertThat(r.query("prefix")).isEqualTo("a/b");
    assertThat(r.queryAll("x")).containsExactly("1", "2");
    assertThat(r.hasQuery("flag")).isTrue();
    assertThat(r.query("flag")).isEmpty();
    assertThat(r.query("name")).isEqualTo("a b");
    assertThat(r.header("accept")).isEqualTo("x");
    assertThat(r.queryInt("missing", 7)).isEqualTo(7);
    assertThatThrownBy(() -> r.queryInt("prefix", 0))
        .isInstanceOf(HttpError.class)
        .hasMessageContaining("prefix");
  }

  @Test
  void malformedJsonIsABadRequest() {
    Request r = Request.of("POST", "/x", Map.of(), "{nope".getBytes());
    assertThatThrownBy(r::json)
        .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status()).isEqualTo(400));
    Request empty = Request.of("POST", "/x", Map.of(), new byte[0]);
    assertThatThrownBy(empty::json).hasMessageContaining("empty");
  }
}
