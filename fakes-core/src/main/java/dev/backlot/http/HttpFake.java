package dev.backlot.http;

import dev.backlot.engine.FakeServer;
import dev.backlot.engine.Routes;

/**
 * A plain programmable HTTP fake for any service Backlot does not model yet: every answer is a
 * {@linkplain dev.backlot.engine.Stub stub}. Unstubbed requests get a 404 whose body lists the
 * closest stubs.
 *
 * <pre>{@code
 * try (HttpFake api = new HttpFake().start()) {
 *   api.stub("GET", "/users/{id}")
 *      .respondWith(req -> Response.json(200, Map.of("id", req.pathParam("id"))));
 *   api.stub("POST", "/jobs").expectJson()
 *      .respond(Response.status(503), Response.json(202, "{\"job\":1}"));
 *
 *   myClient(api.baseUri()).createJob();  // retries the 503, gets the 202
 *
 *   api.journal().verify(2, RequestPattern.post("/jobs"));
 * }
 * }</pre>
 */
public final class HttpFake extends FakeServer<HttpFake> {

  /** A fake with default settings: random port on 127.0.0.1, system clock, no stubs. */
  public HttpFake() {
    this(builder());
  }

  private HttpFake(Builder builder) {
    super("http", builder);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected void routes(Routes routes) {
    // No protocol of its own: stubs are the whole surface.
  }

  /** Settings for an {@link HttpFake}; initial stubs go in {@link #setup}. */
  public static final class Builder extends FakeServer.Builder<Builder, HttpFake> {
    private Builder() {}

    @Override
    protected String fakeName() {
      return "http";
    }

    @Override
    public HttpFake build() {
      return new HttpFake(this);
    }
  }
}
