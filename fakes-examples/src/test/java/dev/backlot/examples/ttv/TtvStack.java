package dev.backlot.examples.ttv;

import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.backlot.gcs.GcsFake;
import dev.backlot.gradio.GradioFake;
import dev.backlot.jobs.Job;
import dev.backlot.jobs.JobEngine;
import dev.backlot.jobs.JobState;
import dev.backlot.jobs.StateChange;
import dev.backlot.minimax.MiniMaxFake;
import dev.backlot.redis.RedisFake;
import dev.backlot.runway.RunwayFake;
import dev.backlot.time.ManualClock;
import dev.backlot.veo.VeoFake;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.JedisPool;

/**
 * The whole text-to-video application wired to the fakes, as its main() would wire it to the
 * real services: the RQ queue on the Redis fake, artifacts on the GCS fake, each generator on its
 * fake, two workers, and the job API on a free port. The fakes' builders live here too, so every
 * test class starts the same backends.
 */
final class TtvStack implements AutoCloseable {

  static final String BUCKET = "ttv-artifacts";
  static final String PREFIX = "renders";
  static final String SIGNER = "ttv-signer@ttv-prod.iam.gserviceaccount.com";
  static final String ALT_SVC = "h3=\":8443\"; ma=86400";
  static final Duration URL_TTL = Duration.ofMinutes(15);
  static final KeyPair KEYS = keys();
  // Undertow logs its start and stop at INFO through java.util.logging: quiet in test output
  private static final java.util.logging.Logger UNDERTOW = java.util.logging.Logger.getLogger("io.undertow");

  static {
    UNDERTOW.setLevel(java.util.logging.Level.WARNING);
  }

  final JedisPool pool;
  final JobQueue queue;
  final ArtifactStore store;
  final Worker worker;
  final JobApi api;
  final Api client;

  /** The app against these fakes (generators may be null: not wired), on {@code clock}. */
  TtvStack(ManualClock clock, RedisFake redis, GcsFake gcs, RunwayFake runway, VeoFake veo,
      MiniMaxFake minimax, GradioFake wan, int workers) {
    java.time.Clock appClock = javaClock(clock);
    pool = new JedisPool(redis.redisUri());
    queue = new JobQueue(pool, "default", appClock);
    store = ArtifactStore.connect(new ArtifactStore.Settings(gcs.baseUri().toString(), "ttv-prod",
        BUCKET, PREFIX, signer(), appClock, 3));
    Duration poll = Duration.ofMillis(10);
    List<Generator> generators = new ArrayList<>();
    if (runway != null) {
      generators.add(new RunwayGenerator(runway.baseUri(), "rw-key", poll));
    }
    if (veo != null) {
      generators.add(new VeoGenerator(veo.baseUri(), "veo-key", poll));
    }
    if (minimax != null) {
      generators.add(new MiniMaxGenerator(minimax.baseUri(), "mm-key", poll));
    }
    if (wan != null) {
      generators.add(new WanGenerator(wan.baseUri()));
    }
    worker = new Worker(queue, generators, store, workers).start();
    api = new JobApi(queue, store, URL_TTL, ALT_SVC, appClock).start();
    client = new Api(api.baseUri());
  }

  // ---------------------------------------------------------------- the fakes, as every class builds them

  static GcsFake.Builder gcs(ManualClock clock) {
    return GcsFake.builder().clock(clock).bucket(BUCKET).signer(SIGNER, KEYS.getPublic()).strictSignatures(true);
  }

  static RunwayFake.Builder runway(ManualClock clock) {
    return RunwayFake.builder().clock(clock).apiKeys("rw-key").fps(2);
  }

  static VeoFake.Builder veo(ManualClock clock) {
    return VeoFake.builder().clock(clock).apiKeys("veo-key").fps(2);
  }

  static MiniMaxFake.Builder minimax(ManualClock clock) {
    return MiniMaxFake.builder().clock(clock).apiKeys("mm-key").fps(2);
  }

  static GradioFake.Builder wan(ManualClock clock) {
    return GradioFake.wan21().clock(clock);
  }

  /** The fixed instant every class's manual clock starts at: March 2026, so paths say 2026-03. */
  static final Instant START = Instant.parse("2026-03-14T09:30:00Z");

  // ---------------------------------------------------------------- helpers

  /** The state names a fake's job went through, for {@code containsExactly}. */
  static List<JobState> states(JobEngine jobs, int index) {
    Job job = jobs.jobs().get(index);
    return job.history().stream().map(StateChange::state).toList();
  }

  static ServiceAccountCredentials signer() {
    return ServiceAccountCredentials.newBuilder().setClientEmail(SIGNER)
        .setPrivateKey(KEYS.getPrivate()).setPrivateKeyId("k1").setProjectId("ttv-prod").build();
  }

  private static KeyPair keys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048, new SecureRandom(new byte[] {7}));
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The application's java.time.Clock, reading the fakes' manual clock. */
  static java.time.Clock javaClock(ManualClock clock) {
    return new java.time.Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public java.time.Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return clock.instant();
      }
    };
  }

  @Override
  public void close() throws Exception {
    worker.close();
    api.close();
    store.close();
    pool.close();
  }
}
