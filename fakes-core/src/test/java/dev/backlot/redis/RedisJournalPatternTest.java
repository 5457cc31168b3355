package dev.backlot.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.journal.RequestPattern;
import dev.backlot.journal.VerificationError;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;

/** The Redis journal is queried with command patterns, as HTTP journals are with request patterns. */
class RedisJournalPatternTest {

  @Test
  void commandPatternsMatchJedisCommandsByNameAnyCase() {
    try (RedisFake redis = new RedisFake().start(); Jedis jedis = Clients.jedis(redis.redisUri())) {
      jedis.rpush("jobs:wait", "job-1", "job-2");
      assertThat(jedis.blmove("jobs:wait", "jobs:active", ListDirection.LEFT, ListDirection.RIGHT, 1))
          .isEqualTo("job-1");
      assertThat(jedis.blmove("jobs:wait", "jobs:active", ListDirection.LEFT, ListDirection.RIGHT, 1))
          .isEqualTo("job-2");

      redis.journal().verify(2, RequestPattern.command("BLMOVE"));
      redis.journal().verify(2, RequestPattern.command("blmove")); // names are case-insensitive
      redis.journal().verify(1, RequestPattern.command("RPUSH").bodyContains("jobs:wait job-1 job-2"));
      redis.journal().verify(2, RequestPattern.command("BLMOVE").bodyMatches("^jobs:wait jobs:active LEFT RIGHT 1"));
      redis.journal().verify(3, RequestPattern.anyCommand().query("db", "0").bodyContains("jobs:wait"));
      redis.journal().verifyNone(RequestPattern.command("BRPOPLPUSH"));
      assertThat(redis.journal().count(RequestPattern.get("/jobs:wait"))).isZero(); // HTTP patterns see no command
    }
  }

  @Test
  void aFailedCommandVerificationNamesTheClosestCommands() {
    try (RedisFake redis = new RedisFake().start(); Jedis jedis = Clients.jedis(redis.redisUri())) {
      jedis.rpush("jobs:wait", "job-1");
      jedis.blmove("jobs:wait", "jobs:active", ListDirection.LEFT, ListDirection.RIGHT, 1);

      assertThatThrownBy(() -> redis.journal().verify(RequestPattern.command("BLMOVE").bodyContains("jobs:done")))
          .isInstanceOf(VerificationError.class)
          .hasMessageStartingWith(
              "Expected at least 1 command(s) matching command BLMOVE, arguments containing \"jobs:done\" but found 0.\n"
                  + "Closest commands received:\n"
                  + "  #4 BLMOVE jobs:wait jobs:active LEFT RIGHT 1.0 [bulk]\n"
                  + "      - arguments do not contain \"jobs:done\"\n"
                  + "  #1 CLIENT SETINFO LIB-NAME jedis [status]\n" // Jedis names itself on connecting
                  + "      - command was CLIENT, not BLMOVE\n"
                  + "      - arguments do not contain \"jobs:done\"\n");
    }
  }

  @Test
  void anEmptyRedisJournalSaysNoCommandArrived() {
    try (RedisFake redis = new RedisFake().start()) {
      assertThatThrownBy(() -> redis.journal().verify(RequestPattern.command("BLMOVE")))
          .isInstanceOf(VerificationError.class)
          .hasMessage("Expected at least 1 command(s) matching command BLMOVE but found 0. No command was received at all.");
    }
  }

  @Test
  void commandPatternsAreNotHttpFaultRules() {
    try (RedisFake redis = new RedisFake().start()) {
      assertThatThrownBy(() -> redis.faults().on(RequestPattern.command("BLMOVE")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("on(command BLMOVE) is for HTTP requests; for commands write onCommand(\"NAME\")");
      assertThatThrownBy(() -> RequestPattern.command(" "))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("a command name is not blank; for any command use anyCommand()");
    }
  }
}
