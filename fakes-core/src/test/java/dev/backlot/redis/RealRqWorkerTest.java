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
 * A real Python RQ worker (Debian's python3-rq) against the fake, with the RQ job watch: the
 * queue library's own commands, layout and state machine, end to end. Skipped, visibly, when no
 * python3 on this machine can import rq.
 */
class RealRqWorkerTest {

  static Path pythonWithRq() {
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      try {
        Process p = new ProcessBuilder(candidate, "-c", "import rq").redirectErrorStream(true)
            .start();
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
  void aRealRqWorkerMovesJobsOnlyThroughLegalStates(@TempDir Path dir) throws Exception {
    Path python = pythonWithRq();
    assumeTrue(python != null, "no python3 with the rq package (apt-get install python3-rq): "
        + "the run with a real RQ worker is skipped");
    Files.writeString(dir.resolve("tasks.py"), """
        def add(a, b):
            return a + b

        def boom():
            raise ValueError("boom")
        """);
    Files.writeString(dir.resolve("run.py"), """
        import sys
        from redis import Redis
        from rq import Queue, SimpleWorker
        import tasks
        conn = Redis.from_url(sys.argv[1], socket_timeout=30)
        q = Queue("default", connection=conn)
        ok = q.enqueue(tasks.add, 2, 3, job_id="ok")
        bad = q.enqueue(tasks.boom, job_id="bad")
        SimpleWorker([q], connection=conn).work(burst=True)
        print(ok.get_status(refresh=True), ok.result, bad.get_status(refresh=True))
        """);
    try (RedisFake redis = new RedisFake().start()) {
      JobWatch rq = redis.watchJobs(JobLayout.RQ);
      Process worker = new ProcessBuilder(python.toString(), "run.py", redis.redisUri().toString())
          .directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(worker.getInputStream().readAllBytes());
      assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(worker.exitValue()).as(output).isZero();
      assertThat(output.strip().lines().reduce((a, b) -> b).orElse(""))
          .isEqualTo("finished 5 failed");

      assertThat(rq.statuses("ok")).containsExactly("queued", "started", "finished");
      assertThat(rq.statuses("bad")).containsExactly("queued", "started", "failed");
      rq.assertLegal();
      assertThat(rq.transitions()).extracting(JobWatch.Transition::command).containsOnly("EXEC");
      // RQ's own protocol: optimistic transactions, a results stream, pub/sub for commands
      assertThat(redis.journal().entries()).extracting(e -> e.path())
          .contains("WATCH", "MULTI", "EXEC", "XADD", "SUBSCRIBE", "CLIENT", "INFO");
      assertThat(JobLayout.RQ.status(redis, "ok")).isEqualTo("finished");
      assertThat(redis.journal().count(e -> e.outcome() != null
          && e.outcome().startsWith("error: ERR unknown command")))
          .as("commands RQ sent that the fake does not know:\n" + redis.journal().describe(400))
          .isZero();
    }
  }
}
