package dev.backlot.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlot.testing.Node;
import java.net.URI;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JavaScript clients that found the fake's gaps (issue 14): BullMQ 5 over ioredis (its Lua
 * scripts need cmsgpack and cjson, its events stream XADD ids from the clock), and node-redis v5
 * (pipelines, MULTI/EXEC with a failing command, WATCH, pub/sub, BLPOP with a timeout, a script
 * using Redis's Lua libraries). The same scripts run against the fake and against a real {@code
 * redis-server} when one is on the PATH (skipped visibly otherwise).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisJsClientsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private RedisFake fake;
  private RealRedis real;

  @BeforeAll
  void start() {
    fake = new RedisFake().start();
    real = RealRedis.startIfAvailable();
  }

  @AfterAll
  void stop() {
    fake.close();
    if (real != null) {
      real.close();
    }
  }

  private URI target(String which) {
    if (which.equals("real")) {
      assumeTrue(real != null, RealRedis.MISSING);
      return real.uri();
    }
    return fake.redisUri();
  }

  private JsonNode run(String script, URI uri) throws Exception {
    Node.Result r = Node.run(script, Map.of("REDIS_URL", uri.toString()));
    assertThat(r.exitCode()).as(r.output()).isZero();
    return JSON.readTree(r.lastLine());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fake", "real"})
  void bullmqQueueWorkerEventsRetriesDelays(String which) throws Exception {
    JsonNode out = run("redis/bullmq-flow.mjs", target(which));
    assertThat(out.get("completed").asInt()).isEqualTo(33);
    assertThat(out.get("eventsCompleted").asInt()).isEqualTo(33);
    assertThat(out.get("failedOnce").toString()).contains("flaky: first attempt fails");
    assertThat(out.get("failedOnce").size()).isEqualTo(1);
    assertThat(out.get("progress").toString()).isEqualTo("[25,50,100]");
    assertThat(out.get("delayedStateAtFirst").asText()).isEqualTo("delayed");
    assertThat(out.get("delayedRanAfterMs").asLong()).isGreaterThanOrEqualTo(200);
    assertThat(out.get("returnOf21").get("double").asInt()).isEqualTo(42);
    JsonNode counts = out.get("counts");
    assertThat(counts.get("completed").asInt()).isEqualTo(33);
    assertThat(counts.get("failed").asInt()).isZero();
    assertThat(counts.get("delayed").asInt()).isZero();
    assertThat(counts.get("active").asInt()).isZero();
    assertThat(counts.get("waiting").asInt()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fake", "real"})
  void nodeRedisPipelinesTransactionsPubSubBlpop(String which) throws Exception {
    JsonNode out = run("redis/node-redis.mjs", target(which));
    assertThat(out.get("pipeline").toString()).isEqualTo("[\"OK\",2,\"2\"]");
    JsonNode tx = out.get("multiWithError");
    assertThat(tx.get("error").asText()).isEqualTo("MultiErrorReply");
    assertThat(tx.get("replies").get(0).asInt()).isEqualTo(1);
    assertThat(tx.get("replies").get(1).asText()).startsWith("ERR:WRONGTYPE");
    assertThat(tx.get("replies").get(2).asInt()).isEqualTo(2);
    assertThat(out.get("watchAborted").asText()).isEqualTo("WatchError");
    assertThat(out.get("receivers").asInt()).isEqualTo(1);
    assertThat(out.get("messages").toString()).isEqualTo("[\"news:hello\"]");
    assertThat(out.get("blpopTimeout").isNull()).isTrue();
    assertThat(out.get("blpop").toString()).isEqualTo("{\"key\":\"q\",\"element\":\"job\"}");
    assertThat(out.get("script").toString()).isEqualTo("[\"b\",\"{}\",\"000000f0\",513,3]");
    assertThat(out.get("xadd").get("monotonic").asBoolean()).isTrue();
    assertThat(out.get("xadd").get("msNearNow").asBoolean()).isTrue();
  }
}
