package dev.backlot.junit;

import dev.backlot.engine.FakeServer;
import dev.backlot.wire.Response;
import dev.backlot.engine.Routes;

/**
 * Fakes for testing the extension's conventions: one with the engine's fault plan and a seed
 * taken from its builder (as every {@link FakeServer} has), and one whose builder is its own
 * class, without {@code seed(long)}.
 */
final class TestFakes {

  private TestFakes() {}

  /** Answers GET anything with 200; its fault plan is the engine's. */
  static final class Seeded extends FakeServer<Seeded> {

    private Seeded(Builder b) {
      super("seeded", b);
    }

    public static Builder builder() {
      return new Builder();
    }

    @Override
    protected void routes(Routes r) {
      r.get("/{path*}", req -> Response.text(200, "ok"));
    }

    public static final class Builder extends FakeServer.Builder<Builder, Seeded> {
      @Override
      public Seeded build() {
        return new Seeded(this);
      }
    }
  }

  /** A fake built by a builder of its own (not a FakeServer.Builder), which has no seed(long). */
  static final class Bare extends FakeServer<Bare> {
    private Bare(Settings b) {
      super("bare", b);
    }

    public static Builder builder() {
      return new Builder();
    }

    @Override
    protected void routes(Routes r) {}

    public static final class Builder {
      public Bare build() {
        return new Bare(new Settings());
      }
    }

    static final class Settings extends FakeServer.Builder<Settings, Bare> {
      @Override
      public Bare build() {
        return new Bare(this);
      }
    }
  }
}
