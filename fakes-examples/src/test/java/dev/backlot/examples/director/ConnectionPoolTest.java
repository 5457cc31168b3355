package dev.backlot.examples.director;

import static dev.backlot.journal.RequestPattern.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.backlot.comfyui.ComfyUiFake;
import dev.backlot.examples.director.ConnectionPool.PoolExhaustedException;
import dev.backlot.gradio.GradioFake;
import dev.backlot.journal.Entry;
import dev.backlot.junit.BacklotTest;
import dev.backlot.openai.OpenAiFake;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Seed 001, "connection pool": reuse, size limits, thread safety, on real sockets to the fakes. */
@BacklotTest
class ConnectionPoolTest {

  ComfyUiFake comfy;
  OpenAiFake llm;
  GradioFake wan;
  MovieDirector director;

  private MovieDirector director(DirectorConfig config) {
    director = new MovieDirector("pool-test", config);
    return director;
  }

  private DirectorConfig config() {
    return DirectorConfig.local(comfy.port(), llm.port(), wan.port());
  }

  @AfterEach
  void close() {
    if (director != null) {
      director.close();
    }
  }

  private int socketsOpened() {
    return comfy.journal().count(e -> e.kind() == Entry.Kind.WS_OPEN);
  }

  @Test
  void aReleasedConnectionIsHandedOutAgain() throws Exception {
    director(config()).connect();
    ConnectionPool<ComfyUiClient> pool = director.comfyUiPool();

    ComfyUiClient first = pool.acquire();
    pool.release(first);
    ComfyUiClient second = pool.acquire();

    assertThat(second).isSameAs(first);
    assertThat(socketsOpened()).isEqualTo(1);
    assertThat(pool.stats().created()).isEqualTo(1);
    assertThat(pool.stats().reused()).isEqualTo(2); // connect() borrowed it first
  }

  @Test
  void aFullPoolMakesTheNextCallerWaitThenTimeOut() throws Exception {
    DirectorConfig config = config().withPoolSize("comfyui", 2).withAcquireTimeout(Duration.ofMillis(200));
    director(config).connect();
    ConnectionPool<ComfyUiClient> pool = director.comfyUiPool();
    ComfyUiClient a = pool.acquire();
    ComfyUiClient b = pool.acquire();

    assertThatThrownBy(pool::acquire).isInstanceOf(PoolExhaustedException.class).hasMessageContaining("2 in use");

    assertThat(socketsOpened()).isEqualTo(2);
    assertThat(pool.stats().timeouts()).isEqualTo(1);
    pool.release(b);
    assertThat(pool.acquire()).isSameAs(b);
    pool.release(a);
  }

  @Test
  void aWaitingCallerGetsTheConnectionSomeoneReleases() throws Exception {
    DirectorConfig config = config().withPoolSize("comfyui", 1).withAcquireTimeout(Duration.ofSeconds(30));
    director(config).connect();
    ConnectionPool<ComfyUiClient> pool = director.comfyUiPool();
    ComfyUiClient only = pool.acquire();

    CompletableFuture<ComfyUiClient> waiter = CompletableFuture.supplyAsync(() -> {
      try {
        return pool.acquire();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> pool.stats().waiting() == 1);
    assertThat(waiter).isNotDone();
    pool.release(only);

    assertThat(waiter.get(20, TimeUnit.SECONDS)).isSameAs(only);
    assertThat(socketsOpened()).isEqualTo(1);
  }

  @Test
  void tenThreadsSharingThePoolNeverOpenMoreThanItsLimit() throws Exception {
    director(config().withPoolSize("litellm", 3)).connect();
    ConnectionPool<LlmClient> pool = director.llmPool();
    ExecutorService threads = Executors.newFixedThreadPool(10);
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<CompletableFuture<Void>> workers = new java.util.ArrayList<>();
      for (int t = 0; t < 10; t++) {
        int worker = t;
        workers.add(CompletableFuture.runAsync(() -> {
          try {
            start.await();
            for (int i = 0; i < 10; i++) {
              LlmClient c = pool.acquire();
              try {
                c.complete("worker " + worker + " call " + i);
              } finally {
                pool.release(c);
              }
            }
          } catch (Throwable e) {
            errors.add(e);
          }
        }, threads));
      }
      start.countDown();
      CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }

    assertThat(errors).isEmpty();
    ConnectionPool.Stats stats = pool.stats();
    assertThat(stats.acquisitions()).isEqualTo(100);
    assertThat(stats.created()).isBetween(1L, 3L);
    assertThat(stats.peakInUse()).isLessThanOrEqualTo(3);
    assertThat(stats.inUse()).isZero();
    llm.journal().verify(100, post("/v1/chat/completions"));
  }
}
