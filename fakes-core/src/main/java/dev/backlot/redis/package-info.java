/**
 * A Redis fake: {@link dev.backlot.redis.RedisFake}, jedis-mock 1.1.18 wrapped in Backlot's
 * lifecycle, journal, faults and clock, plus the job-queue commands jedis-mock lacks and checks
 * of RQ's and Celery's job states.
 *
 * <pre>{@code
 * try (RedisFake redis = new RedisFake().start()) {
 *   JobWatch rq = redis.watchJobs(JobLayout.RQ);
 *   redis.faults().onCommand("BLMOVE").nth(3).close();
 *   runWorkerAgainst(redis.redisUri());
 *   rq.assertLegal();
 * }
 * }</pre>
 *
 * <h2>What jedis-mock 1.1.18 has, and what Backlot adds</h2>
 *
 * <ul>
 *   <li>jedis-mock: strings, hashes (with field TTLs), lists with blocking pops (BLPOP, BRPOP,
 *       BRPOPLPUSH), sets, sorted sets, streams without groups (XADD, XRANGE, XREAD, XTRIM,
 *       XDEL, XLEN), transactions, pub/sub, Lua (EVAL), keyspace notifications, expiry on an
 *       injected clock.
 *   <li>Added here, through jedis-mock's command interceptor, with Redis 7.0's exact RESP2 replies
 *       and error texts (checked byte for byte against a real {@code redis-server} by the tests):
 *       {@code LMOVE}, {@code BLMOVE}, {@code XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|
 *       DELCONSUMER}, {@code XREADGROUP} (COUNT, BLOCK, NOACK, history), {@code XACK}, {@code
 *       XPENDING} (summary and extended, IDLE), {@code XCLAIM} (IDLE, TIME, RETRYCOUNT, FORCE,
 *       JUSTID, LASTID), {@code XAUTOCLAIM} (COUNT, JUSTID). They queue inside MULTI and run in
 *       EXEC like jedis-mock's own commands.
 *   <li>An unknown command answers Redis's {@code ERR unknown command 'x', with args beginning
 *       with: ...} instead of jedis-mock's "Unsupported operation".
 *   <li>Replies where jedis-mock differs from Redis, set right (outside MULTI): PING is {@code
 *       +PONG}, TYPE a status, DISCARD without MULTI an error, SELECT past database 15 an error,
 *       a whole ZINCRBY score {@code 4} not {@code 4.0}; INFO has Redis 7.0's sections ({@code
 *       redis_version} and all, which RQ needs); CLIENT LIST, INFO and ID exist.
 * </ul>
 *
 * <p>Measured against redis-server 7.0.15 with 129 commands across every type (one raw
 * connection each, byte for byte): 110 replies identical. Of the rest, 13 are commands jedis-mock
 * lacks (below), 3 list set or key members in another (unspecified) order, and 3 differ in a
 * detail: HINCRBY's error text on a non-integer field, CONFIG GET of an unset parameter (empty,
 * not Redis's default), and TIME on the fake's clock.
 *
 * <h2>Known gaps</h2>
 *
 * <ul>
 *   <li>RESP2 only: {@code HELLO 3} answers {@code NOPROTO}; Lettuce and redis-py fall back to
 *       RESP2 on their own, Jedis uses RESP2 unless told otherwise.
 *   <li>Keys expire lazily, when touched (no active expiry): an {@code expired} keyspace event
 *       arrives when the key is next read. Blocking timeouts (BLPOP, BLMOVE, XREADGROUP BLOCK)
 *       run on wall time, not the fake's clock.
 *   <li>The added commands are not callable from Lua ({@code redis.call('LMOVE', ...)} fails), and
 *       while a Lua script runs they wait for it instead of answering {@code BUSY}.
 *   <li>Not implemented by either: XINFO, XSETID, LMPOP/BLMPOP, FUNCTION/FCALL, GEO, BITCOUNT
 *       and BITFIELD, OBJECT, DUMP/RESTORE, RENAMENX, TOUCH, SWAPDB, RANDOMKEY, HRANDFIELD,
 *       ZRANDMEMBER, LCS, COMMAND, MONITOR, ACL. Consumer groups are not copied by COPY and not
 *       announced by keyspace notifications; XGROUP's ENTRIESREAD is accepted and
 *       ignored (no lag tracking).
 * </ul>
 */
package dev.backlot.redis;
