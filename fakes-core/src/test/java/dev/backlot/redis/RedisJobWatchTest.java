package dev.backlot.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.jobs.JobState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.params.SetParams;

/**
 * RQ's and Celery's Redis layouts read into their checked state machines. The "workers" here are
 * Jedis code that writes exactly what RQ 2.x and Celery's Redis result backend write (hashes in
 * MULTI/EXEC pipelines, JSON strings with a TTL), as a system under test would.
 */
class RedisJobWatchTest {

  // ------------------------------------------------------------------ RQ, as rq 2.x writes it

  private static void rqEnqueue(Jedis j, String id) {
    Transaction tx = j.multi();
    tx.hset("rq:job:" + id, Map.of("status", "queued", "origin", "default",
        "created_at", "2026-03-01T12:00:00.000000Z", "description", "tasks.add(1, 2)"));
    tx.rpush("rq:queue:default", id);
    tx.sadd("rq:queues", "rq:queue:default");
    tx.exec();
  }

  private static String rqDequeue(Jedis j) {
    return j.blmove("rq:queue:default", "rq:queue:default:intermediate", ListDirection.LEFT,
        ListDirection.RIGHT, 1);
  }

  private static void rqStart(Jedis j, String id) {
    Transaction tx = j.multi();
    tx.hset("rq:job:" + id, Map.of("status", "started", "worker_name", "w1",
        "started_at", "2026-03-01T12:00:01.000000Z"));
    tx.zadd("rq:wip:default", 1_772_366_521, id + ":exec-1");
    tx.exec();
  }

  private static void rqFinish(Jedis j, String id, String status) {
    Transaction tx = j.multi();
    tx.hset("rq:job:" + id, "status", status);
    tx.zrem("rq:wip:default", id + ":exec-1");
    tx.zadd("rq:" + (status.equals("finished") ? "finished" : "failed") + ":default",
        1_772_367_021, id);
    tx.lrem("rq:queue:default:intermediate", 1, id);
    tx.exec();
  }

  @Test
  void anRqJobThatMovesLegallyPasses() {
    try (RedisFake redis = new RedisFake().start(); Jedis j = Clients.jedis(redis.redisUri())) {
      JobWatch rq = redis.watchJobs(JobLayout.RQ);
      rqEnqueue(j, "j1");
      rqEnqueue(j, "j2");
      assertThat(rqDequeue(j)).isEqualTo("j1");
      rqStart(j, "j1");
      assertThat(JobLayout.RQ.status(redis, "j1")).isEqualTo("started");
      assertThat(JobLayout.RQ.state(redis, "j1")).isEqualTo(JobState.RUNNING);
      rqFinish(j, "j1", "finished");
      // j2 fails, is retried without an interval (started -> queued) and then succeeds
      assertThat(rqDequeue(j)).isEqualTo("j2");
      rqStart(j, "j2");
      Transaction retry = j.multi();
      retry.hset("rq:job:j2", Map.of("status", "queued", "retries_left", "0"));
      retry.lrem("rq:queue:default:intermediate", 1, "j2");
      retry.rpush("rq:queue:default", "j2");
      retry.exec();
      assertThat(rqDequeue(j)).isEqualTo("j2");
      rqStart(j, "j2");
      rqFinish(j, "j2", "finished");
      j.sadd("rq:job:j2:dependents", "j3"); // not a status key

      assertThat(rq.statuses("j1")).containsExactly("queued", "started", "finished");
      assertThat(rq.statuses("j2"))
          .containsExactly("queued", "started", "queued", "started", "finished");
      assertThat(rq.jobIds()).containsExactlyInAnyOrder("j1", "j2");
      assertThat(rq.transitions("j1")).extracting(JobWatch.Transition::command)
          .containsOnly("EXEC");
      assertThat(rq.transitions("j1").get(0).from()).isNull();
      assertThat(rq.state("j1")).isEqualTo(JobState.SUCCEEDED);
      assertThat(rq.check("j2").isLegal()).isTrue();
      rq.assertLegal();
      assertThat(rq.illegal()).isEmpty();
      assertThat(JobLayout.RQ.status(redis, "unknown")).isNull();
    }
  }

  @Test
  void anRqWorkerThatRestartsAFinishedJobIsCaught() {
    try (RedisFake redis = new RedisFake().start(); Jedis j = Clients.jedis(redis.redisUri())) {
      JobWatch rq = redis.watchJobs(JobLayout.RQ);
      rqEnqueue(j, "dup");
      rqDequeue(j);
      rqStart(j, "dup");
      rqFinish(j, "dup", "finished");
      rqStart(j, "dup"); // a second worker picked up a stale copy of the job
      j.hset("rq:job:ok", "status", "queued"); // a plain HSET is watched too

      assertThat(rq.statuses("dup")).containsExactly("queued", "started", "finished", "started");
      assertThat(rq.illegal()).hasSize(1);
      assertThatThrownBy(rq::assertLegal)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("1 RQ job(s) moved illegally")
          .hasMessageContaining("job dup")
          .hasMessageContaining("finished -> started: finished is terminal")
          .hasMessageContaining("dup: finished -> started by EXEC");
      assertThat(rq.transitions("ok")).extracting(JobWatch.Transition::command)
          .containsExactly("HSET");
    }
  }

  @Test
  void statusesOverwrittenInsideOneTransactionAreNotSeen() {
    try (RedisFake redis = new RedisFake().start(); Jedis j = Clients.jedis(redis.redisUri())) {
      JobWatch rq = redis.watchJobs(JobLayout.RQ);
      Transaction tx = j.multi();
      tx.hset("rq:job:x", "status", "created");
      tx.hset("rq:job:x", "status", "queued");
      tx.exec();
      Transaction discarded = j.multi();
      discarded.hset("rq:job:x", "status", "started");
      discarded.discard();
      assertThat(rq.statuses("x")).containsExactly("queued"); // what other clients could see
      rq.close();
      j.hset("rq:job:x", "status", "started");
      assertThat(rq.statuses("x")).containsExactly("queued"); // closed: no longer recording
    }
  }

  // ------------------------------------------------------------------ Celery's result backend

  private static void celeryStore(Jedis j, String id, String status) {
    String json = "{\"status\": \"" + status + "\", \"result\": null, \"traceback\": null, "
        + "\"children\": [], \"date_done\": null, \"task_id\": \"" + id + "\"}";
    j.set("celery-task-meta-" + id, json, SetParams.setParams().px(86_400_000));
  }

  @Test
  void celeryTasksStartPendingAndSuccessIsFinal() {
    try (RedisFake redis = new RedisFake().start(); Jedis j = Clients.jedis(redis.redisUri())) {
      JobWatch celery = redis.watchJobs(JobLayout.CELERY);
      assertThat(JobLayout.CELERY.status(redis, "t1")).isEqualTo("PENDING"); // nothing stored
      celeryStore(j, "t1", "STARTED");
      celeryStore(j, "t1", "RETRY");
      celeryStore(j, "t1", "STARTED");
      celeryStore(j, "t1", "SUCCESS");
      celeryStore(j, "t2", "SUCCESS"); // no task_track_started: straight from PENDING
      j.eval("redis.call('SET', KEYS[1], ARGV[1])", List.of("celery-task-meta-t3"),
          List.of("{\"status\": \"FAILURE\", \"task_id\": \"t3\"}"));

      assertThat(celery.statuses("t1")).containsExactly("STARTED", "RETRY", "STARTED", "SUCCESS");
      assertThat(celery.check("t1").observed())
          .containsExactly("PENDING", "STARTED", "RETRY", "STARTED", "SUCCESS");
      assertThat(celery.transitions("t3")).extracting(JobWatch.Transition::command)
          .containsExactly("EVAL");
      celery.assertLegal();
      assertThat(JobLayout.CELERY.state(redis, "t1")).isEqualTo(JobState.SUCCEEDED);
      assertThat(celery.state("t3")).isEqualTo(JobState.FAILED);

      // a late duplicate delivery overwrites SUCCESS: Celery's backend refuses this itself
      celeryStore(j, "t1", "FAILURE");
      assertThatThrownBy(celery::assertLegal)
          .hasMessageContaining("job t1")
          .hasMessageContaining("SUCCESS -> FAILURE: SUCCESS is terminal");
    }
  }

  @Test
  void resetClearsWhatWasRecordedAndCustomPrefixesWork() {
    try (RedisFake redis = new RedisFake().start(); Jedis j = Clients.jedis(redis.redisUri())) {
      JobWatch custom = redis.watchJobs(JobLayout.celery("app-meta-"));
      j.set("app-meta-a", "{\"status\": \"STARTED\"}");
      j.set("celery-task-meta-b", "{\"status\": \"STARTED\"}");
      j.set("app-meta-junk", "not json");
      assertThat(custom.jobIds()).containsExactly("a");
      redis.reset();
      assertThat(custom.jobIds()).isEmpty();
      j.set("app-meta-a", "{\"status\": \"SUCCESS\"}");
      assertThat(custom.statuses("a")).containsExactly("SUCCESS");
      assertThat(JobLayout.RQ.jobId("rq:job:abc")).isEqualTo("abc");
      assertThat(JobLayout.RQ.jobId("rq:job:abc:dependents")).isNull();
      assertThat(JobLayout.RQ.jobId("rq:queue:default")).isNull();
    }
  }
}
