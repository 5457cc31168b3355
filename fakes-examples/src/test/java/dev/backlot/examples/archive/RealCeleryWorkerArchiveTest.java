package dev.backlot.examples.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backlot.cablecast.CablecastFake;
import dev.backlot.examples.archive.VodCatalog.Vod;
import dev.backlot.junit.BacklotTest;
import dev.backlot.redis.JobLayout;
import dev.backlot.redis.JobWatch;
import dev.backlot.redis.RedisFake;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive's Java-sent tasks run by a real Python Celery worker (Debian's python3-celery, with
 * kombu's Redis transport and Celery's Redis result backend) against the Redis fake: proof that
 * the archive writes Celery's real message layout. Skipped, visibly, without such a python3.
 */
@BacklotTest
class RealCeleryWorkerArchiveTest {

  CablecastFake cablecast;
  RedisFake redis;

  static final String WORKER = """
      import sys, urllib.request
      from celery import Celery
      from celery.contrib.testing.worker import start_worker
      url = sys.argv[1]
      app = Celery("archivist", broker=url, backend=url)
      app.conf.task_track_started = True
      app.conf.broker_connection_retry_on_startup = True

      @app.task(name="archivist.tasks.transcribe_vod")
      def transcribe_vod(vod_id, vod_url, title):
          with urllib.request.urlopen(vod_url, timeout=30) as r:
              data = r.read()
          if data[4:8] != b"ftyp":
              raise ValueError("not an MP4")
          return {"vod_id": vod_id, "scc_path": "/archive/captions/vod-%d.scc" % vod_id,
                  "bytes": len(data), "captions": [{"start": "00:00:00:00",
                  "text": "Welcome to %s, transcribed by Celery." % title}]}

      with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
          print("ready", flush=True)
          sys.stdin.read()
      """;

  static Path pythonWithCelery() {
    try {
      Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import celery").redirectErrorStream(true).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? Path.of("/usr/bin/python3") : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Test
  void aRealCeleryWorkerRunsTheArchivesTasks(@TempDir Path dir) throws Exception {
    Path python = pythonWithCelery();
    assumeTrue(python != null, "no /usr/bin/python3 with celery (apt-get install python3-celery): "
        + "the run with a real Celery worker is skipped");
    Files.writeString(dir.resolve("worker.py"), WORKER);
    JobWatch celery = redis.watchJobs(JobLayout.CELERY);
    Process worker = new ProcessBuilder(python.toString(), "worker.py", redis.redisUri().toString())
        .directory(dir.toFile()).redirectErrorStream(true).start();
    StringBuilder log = new StringBuilder();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          log.append(line).append('\n');
          if (line.equals("ready")) {
            ready.complete(null);
          }
        }
      } catch (IOException ignored) {
        // the worker went away
      }
      ready.complete(null);
    });
    reader.start();
    try (LiveUpdates live = LiveUpdates.start();
        Archivist archive = new Archivist(ArchiveRig.config(cablecast, redis), live, ArchiveRig.taskIds())) {
      ready.get(60, TimeUnit.SECONDS);
      assertThat(worker.isAlive()).as(log.toString()).isTrue();
      long show = ArchiveRig.showWithVod(cablecast);

      Vod vod = archive.process(show);

      assertThat(vod.status()).isEqualTo("linked");
      assertThat(ArchiveRig.comments(cablecast, show)).contains("transcribed by Celery.");
      assertThat(celery.statuses(vod.get("task"))).containsExactly("STARTED", "SUCCESS");
      celery.assertLegal();
    } finally {
      worker.getOutputStream().close();
      if (!worker.waitFor(60, TimeUnit.SECONDS)) {
        worker.destroyForcibly();
      }
      reader.join(10_000);
    }
  }
}
