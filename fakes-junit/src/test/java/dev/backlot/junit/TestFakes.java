package dev.backlot.junit;

import dev.backlot.engine.FakeServer;
import dev.backlot.engine.Response;
import dev.backlot.engine.Routes;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fakes for testing the extension's conventions: one whose builder takes a seed and whose
 * {@code faults()} looks like the coming fault plan (seed(), assertAllFired()), and one with
 * neither.
 */
final class TestFakes {

  private TestFakes() {}

  /** Answers GET /ok; its plan "fires" a rule when a request hits the rule's path. */
  static final class Seeded extends FakeServer<Seeded> {
    private final Plan plan;

    private Seeded(Builder b) {
      super("seeded", b);
      this.plan = new Plan(b.seed);
    }

    public static Builder builder() {
      return new Builder();
    }

    public Plan faults() {
      return plan;
    }

    @Override
    protected void routes(Routes r) {
      r.get("/{path*}", req -> {
        faults().hit("/" + req.pathParam("path"));
        return Response.text(200, "ok");
      });
    }

    @Override
    protected void resetState() {
      if (plan != null) {
        plan.clear();
      }
    }

    public static final class Builder extends FakeServer.Builder<Builder, Seeded> {
      private long seed = 1;

      public Builder seed(long seed) {
        this.seed = seed;
        return this;
      }

      @Override
      public Seeded build() {
        return new Seeded(this);
      }
    }
  }

  /** A stand-in for the fault plan: rules by path, fired when a request hits the path. */
  static final class Plan {
    private final long seed;
    private final Set<String> rules = ConcurrentHashMap.newKeySet();
    private final Set<String> fired = ConcurrentHashMap.newKeySet();

    Plan(long seed) {
      this.seed = seed;
    }

    public long seed() {
      return seed;
    }

    public Plan on(String path) {
      rules.add(path);
      return this;
    }

    void hit(String path) {
      if (rules.contains(path)) {
        fired.add(path);
      }
    }

    void clear() {
      rules.clear();
      fired.clear();
    }

    public void assertAllFired() {
      Set<String> unfired = new TreeSet<>(rules);
      unfired.removeAll(fired);
      if (!unfired.isEmpty()) {
        throw new AssertionError("rules never fired: " + unfired);
      }
    }
  }

  /** A fake built only by its builder, which has no seed(long). */
  static final class Bare extends FakeServer<Bare> {
    private Bare(Builder b) {
      super("bare", b);
    }

    public static Builder builder() {
      return new Builder();
    }

    @Override
    protected void routes(Routes r) {}

    public static final class Builder extends FakeServer.Builder<Builder, Bare> {
      @Override
      public Bare build() {
        return new Bare(this);
      }
    }
  }
}
