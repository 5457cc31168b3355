package dev.backlot.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Celery worker (Debian's python3-celery, kombu's Redis transport and Celery's Redis result
 * backend) against the fake, with the Celery job watch. Skipped, visibly, when no python3 on this
 * machine can import celery.
 */
class RealCeleryWorkerTest {

  static Path pythonWith(String module) {
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      try {
        Process p = new ProcessBuilder(candidate, "-c", "import " + module)
            .redirectErrorStream(true).start();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return Path.of(candidate);
        }
      } catch (IOException e) {
        // not there
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return null;
  }

  @Test
  void aRealCeleryWorkerMovesTasksOnlyThroughLegalStates(@TempDir Path dir) throws Exception {
    Path python = pythonWith("celery");
    assumeTrue(python != null, "no python3 with the celery package (apt-get install "
        + "python3-celery): the run with a real Celery worker is skipped");
    Files.writeString(dir.resolve("run.py"), """
        import sys
        from celery import Celery
        from celery.contrib.testing.worker import start_worker
        url = sys.argv[1]
        app = Celery("tasks", broker=url, backend=url)
        app.conf.task_track_started = True
        app.conf.broker_connection_retry_on_startup = True

        @app.task
        def add(a, b):
            return a + b

        @app.task
        def boom():
            raise ValueError("boom")

        @app.task(bind=True, max_retries=2)
        def flaky(self):
            if self.request.retries == 0:
                raise self.retry(countdown=0)
            return "ok"

        ok = add.apply_async((2, 3), task_id="ok")
        bad = boom.apply_async(task_id="bad")
        retried = flaky.apply_async(task_id="retried")
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            print(ok.get(timeout=60), bad.get(timeout=60, propagate=False).__class__.__name__,
                  retried.get(timeout=60))
        """);
    try (RedisFake redis = new RedisFake().start()) {
      JobWatch celery = redis.watchJobs(JobLayout.CELERY);
      Process worker = new ProcessBuilder(python.toString(), "run.py", redis.redisUri().toString())
          .directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(worker.getInputStream().readAllBytes());
      assertThat(worker.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(worker.exitValue()).as(output).isZero();
      assertThat(output.strip().lines().reduce((a, b) -> b).orElse(""))
          .isEqualTo("5 ValueError ok");

      assertThat(celery.statuses("ok")).containsExactly("STARTED", "SUCCESS");
      assertThat(celery.statuses("bad")).containsExactly("STARTED", "FAILURE");
      assertThat(celery.statuses("retried"))
          .containsExactly("STARTED", "RETRY", "STARTED", "SUCCESS");
      celery.assertLegal();
      assertThat(JobLayout.CELERY.status(redis, "ok")).isEqualTo("SUCCESS");
      // kombu's transport: blocking pops, pub/sub, its Lua scripts; the backend's SETEX
      assertThat(redis.journal().entries()).extracting(e -> e.path())
          .contains("BRPOP", "LPUSH", "PSUBSCRIBE", "EVALSHA", "SETEX");
      assertThat(redis.journal().count(e -> e.outcome() != null
          && e.outcome().startsWith("error: ERR unknown command")))
          .as("commands Celery sent that the fake does not know:\n" + redis.journal().describe(400))
          .isZero();
    }
  }
}
