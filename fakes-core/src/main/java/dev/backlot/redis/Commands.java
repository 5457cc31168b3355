package dev.backlot.redis;

import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.datastructures.streams.RMStream;
import com.github.fppt.jedismock.datastructures.streams.StreamId;
import com.github.fppt.jedismock.exception.ArgumentException;
import com.github.fppt.jedismock.exception.WrongValueTypeException;
import com.github.fppt.jedismock.operations.CommandFactory;
import com.github.fppt.jedismock.operations.RedisOperation;
import com.github.fppt.jedismock.operations.server.MockExecutor;
import com.github.fppt.jedismock.server.Response;
import com.github.fppt.jedismock.storage.OperationExecutorState;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The command path in front of jedis-mock where Redis 7.0 answers differently: protocol errors
 * found by the {@link RespGate}, arity checked before a command runs or is queued, blocking
 * timeouts and other numbers validated as Redis does (so no command blocks on a NaN), EXEC that
 * runs every queued command, XADD ids from the fake's clock, KEYS and SCAN with Redis's glob.
 */
final class Commands {

  static final Slice NIL_ARRAY = Slice.create("*-1\r\n");
  private static final Set<String> REPLACED =
      Set.of("eval", "evalsha", "xadd", "keys", "scan", "hscan", "sscan", "zscan", "xread",
          "hrandfield");
  private static final Slice EMPTY_ARRAY = Slice.create("*0\r\n");
  private static final Set<String> TIMEOUT_LAST = Set.of("blpop", "brpop", "bzpopmin", "bzpopmax");

  private Commands() {}

  /** A reply to give instead of running the command, or null to go on. */
  static Slice precheck(OperationExecutorState state, String name, List<Slice> params) {
    if (name.equals(RespGate.PROTOCOL_ERROR)) {
      return Response.error("ERR Protocol error: " + (params.isEmpty() ? "" : params.get(0)));
    }
    if (name.equals(RespGate.UNKNOWN_COMMAND)) {
      state.errorTransaction();
      return unknown(params);
    }
    if (!name.equals("script") && !name.equals("multi") && !name.equals("shutdown")) {
      Slice busy = awaitScript(state, name);
      if (busy != null) {
        return busy;
      }
    }
    String arity = CommandTable.arityError(name, params);
    if (arity != null) {
      state.errorTransaction();
      return Response.error(arity);
    }
    if (state.isTransactionModeOn() && !name.equals("exec") && !name.equals("discard")
        && !name.equals("multi") && !name.equals("watch")) {
      return null; // the rest is checked when EXEC runs the command, as in Redis
    }
    String error = numbers(name, params);
    if (error != null) {
      return Response.error(error);
    }
    if (name.equals("shutdown")) {
      for (Slice p : params) {
        String a = p.toString().toLowerCase(Locale.ROOT);
        if (!Set.of("nosave", "save", "now", "force", "abort").contains(a)) {
          return Response.error(AddedOp.SYNTAX);
        }
      }
      // Redis exits and its client sees the connection close with no reply; the fake closes
      // this connection only and keeps serving the others.
      return MockExecutor.breakConnection(state);
    }
    return null;
  }

  /** Redis's words for a command it does not know, with the name as the client spelled it. */
  private static Slice unknown(List<Slice> params) {
    StringBuilder args = new StringBuilder();
    for (int i = 1; i < params.size() && args.length() < 128; i++) {
      String a = params.get(i).toString();
      int room = 128 - args.length();
      args.append('\'').append(a, 0, Math.min(a.length(), room)).append("' ");
    }
    String name = params.isEmpty() ? "" : params.get(0).toString();
    if (name.length() > 128) {
      name = name.substring(0, 128);
    }
    return Response.error("ERR unknown command '" + name + "', with args beginning with: " + args);
  }

  /**
   * While another connection's script runs, wait for it without taking the data lock; past
   * lua-time-limit answer BUSY, as Redis does (and as jedis-mock does for its own commands).
   */
  private static Slice awaitScript(OperationExecutorState state, String name) {
    var scripting = state.scriptingManager();
    while (scripting.isRunning()) {
      if (scripting.isBusy()) {
        if (name.equals("exec") && state.isTransactionModeOn()) {
          state.transactionMode(false);
          state.tx().clear();
          return Response.error("EXECABORT Transaction discarded because of: "
              + RedisErrors.BUSY);
        }
        state.errorTransaction();
        return Response.error(RedisErrors.BUSY);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Response.SKIP;
      }
    }
    return null;
  }

  /** Redis's errors for numbers it refuses before doing anything (timeouts, counts, scores). */
  static String numbers(String name, List<Slice> params) {
    int n = params.size();
    switch (name) {
      case "blpop", "brpop", "bzpopmin", "bzpopmax" -> {
        return timeout(params.get(n - 1).toString());
      }
      case "brpoplpush" -> {
        return timeout(params.get(2).toString());
      }
      case "blmove" -> {
        for (int i = 2; i <= 3; i++) {
          String d = params.get(i).toString().toLowerCase(Locale.ROOT);
          if (!d.equals("left") && !d.equals("right")) {
            return AddedOp.SYNTAX;
          }
        }
        return timeout(params.get(4).toString());
      }
      case "blmpop", "bzmpop" -> {
        return timeout(params.get(0).toString());
      }
      case "xread", "xreadgroup" -> {
        for (int i = 0; i + 1 < n; i++) {
          String a = params.get(i).toString();
          if (a.equalsIgnoreCase("streams")) {
            break;
          }
          if (a.equalsIgnoreCase("block")) {
            Long ms = RespReader.parseLong(params.get(i + 1).data());
            if (ms == null) {
              return "ERR timeout is not an integer or out of range";
            }
            if (ms < 0) {
              return "ERR timeout is negative";
            }
          }
        }
        return null;
      }
      case "spop", "srandmember" -> {
        if (n == 2 && name.equals("spop")) {
          Long c = RespReader.parseLong(params.get(1).data());
          if (c == null || c < 0) {
            return "ERR value is out of range, must be positive";
          }
        }
        return null;
      }
      case "xtrim", "xadd" -> {
        for (int i = 1; i + 1 < n; i++) {
          String a = params.get(i).toString();
          if (a.equalsIgnoreCase("maxlen")) {
            String t = params.get(i + 1).toString();
            if ((t.equals("=") || t.equals("~")) && i + 2 < n) {
              t = params.get(i + 2).toString();
            }
            Long v = RespReader.parseLong(t.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (v == null) {
              return AddedOp.NOT_INTEGER;
            }
            if (v < 0) {
              return "ERR The MAXLEN argument must be >= 0.";
            }
            break;
          }
        }
        return null;
      }
      case "hset", "hmset" -> {
        return n % 2 == 1 ? null : AddedCommands.wrongArity(name);
      }
      case "mset", "msetnx" -> {
        return n % 2 == 0 ? null : AddedCommands.wrongArity(name);
      }
      case "zpopmin", "zpopmax" -> {
        if (n > 2) {
          return AddedOp.SYNTAX;
        }
        if (n == 2) {
          Long c = RespReader.parseLong(params.get(1).data());
          if (c == null || c < 0) {
            return "ERR value is out of range, must be positive";
          }
        }
        return null;
      }
      case "hincrbyfloat", "incrbyfloat" -> {
        String v = params.get(n - 1).toString();
        return validFloat(v) || !name.startsWith("h") ? null : "ERR value is not a valid float";
      }
      case "lpop", "rpop" -> {
        if (n > 2) {
          return AddedCommands.wrongArity(name);
        }
        if (n == 2) {
          Long c = RespReader.parseLong(params.get(1).data());
          if (c == null || c < 0) {
            return "ERR value is out of range, must be positive";
          }
        }
        return null;
      }
      case "lrange", "ltrim", "getrange", "setrange" -> {
        for (int i = 1; i < Math.min(n, name.equals("setrange") ? 2 : 3); i++) {
          if (RespReader.parseLong(params.get(i).data()) == null) {
            return AddedOp.NOT_INTEGER;
          }
        }
        return null;
      }
      case "scan", "hscan", "sscan", "zscan" -> {
        String cursor = params.get(name.equals("scan") ? 0 : 1).toString();
        return cursor.matches("[+-]?\\d{0,20}") ? null : "ERR invalid cursor"; // strtoul
      }
      case "expire", "pexpire", "expireat", "pexpireat" -> {
        for (int i = 2; i < n; i++) {
          String o = params.get(i).toString().toLowerCase(Locale.ROOT);
          if (!Set.of("nx", "xx", "gt", "lt").contains(o)) {
            return "ERR Unsupported option " + params.get(i);
          }
        }
        return null;
      }
      case "copy" -> {
        for (int i = 2; i < n; i++) {
          String o = params.get(i).toString().toLowerCase(Locale.ROOT);
          if (o.equals("db") && i + 1 < n) {
            i++;
          } else if (!o.equals("replace")) {
            return AddedOp.SYNTAX;
          }
        }
        return null;
      }
      case "zrangebylex", "zrevrangebylex", "zremrangebylex", "zlexcount" -> {
        return lexRange(name, params);
      }
      case "zadd", "zincrby" -> {
        int i = name.equals("zincrby") ? 1 : 1;
        if (name.equals("zadd")) {
          while (i < n && Set.of("nx", "xx", "gt", "lt", "ch", "incr")
              .contains(params.get(i).toString().toLowerCase(Locale.ROOT))) {
            i++;
          }
        }
        for (; i < n; i += 2) {
          String score = params.get(i).toString();
          if (!validFloat(score)) {
            return "ERR value is not a valid float";
          }
          String lower = score.toLowerCase(Locale.ROOT);
          if (lower.matches("[+-]?inf(inity)?")) { // jedis-mock reads Java's spelling only
            params.set(i, Slice.create(lower.startsWith("-") ? "-Infinity" : "Infinity"));
          }
          if (name.equals("zincrby")) {
            break;
          }
        }
        return null;
      }
      default -> {
        return null;
      }
    }
  }

  /**
   * Redis's checks of a lex range command, all made before it looks up the key: the options of
   * ZRANGEBYLEX and ZREVRANGEBYLEX (LIMIT offset count, no WITHSCORES), then both range items
   * ({@code [x}, {@code (x}, or exactly {@code -} or {@code +}). jedis-mock answers an invalid
   * range with its own text, after the key's type, or not at all (ZREMRANGEBYLEX: a Java
   * exception on a missing key, 0 on a present one).
   */
  static String lexRange(String name, List<Slice> params) {
    if (name.equals("zrangebylex") || name.equals("zrevrangebylex")) {
      boolean withScores = false;
      for (int i = 3; i < params.size(); i++) {
        String o = params.get(i).toString();
        if (o.equalsIgnoreCase("limit") && params.size() - i - 1 >= 2) {
          if (RespReader.parseLong(params.get(i + 1).data()) == null
              || RespReader.parseLong(params.get(i + 2).data()) == null) {
            return AddedOp.NOT_INTEGER;
          }
          i += 2;
        } else if (o.equalsIgnoreCase("withscores")) {
          withScores = true;
        } else {
          return AddedOp.SYNTAX;
        }
      }
      if (withScores) {
        return "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
      }
    }
    return lexItem(params.get(1).data()) && lexItem(params.get(2).data()) ? null
        : "ERR min or max not valid string range item";
  }

  // Redis's zslParseLexRangeItem: '(' or '[' then any bytes, or exactly "-" or "+".
  private static boolean lexItem(byte[] item) {
    if (item.length == 0) {
      return false;
    }
    return switch (item[0]) {
      case '(', '[' -> true;
      case '-', '+' -> item.length == 1;
      default -> false;
    };
  }

  /** Redis's getTimeoutFromObjectOrReply in seconds (strtold, then ceil of milliseconds). */
  static String timeout(String s) {
    Double d = strtod(s);
    if (d == null || d.isNaN()) {
      return "ERR timeout is not a float or out of range";
    }
    double ms = Math.ceil(d * 1000.0);
    if (ms < 0 || ms >= 9.223372036854775807e18 || Double.isInfinite(ms)) {
      return "ERR timeout is negative"; // Redis's cast of a huge value goes negative
    }
    return null;
  }

  /** A number as C's strtold reads all of it: decimal, inf/infinity/nan; null if it is not. */
  static Double strtod(String s) {
    if (s.isEmpty() || Character.isWhitespace(s.charAt(0))) {
      return null;
    }
    String t = s.toLowerCase(Locale.ROOT);
    String body = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
    double sign = t.startsWith("-") ? -1 : 1;
    if (body.equals("inf") || body.equals("infinity")) {
      return sign * Double.POSITIVE_INFINITY;
    }
    if (body.equals("nan")) {
      return Double.NaN;
    }
    if (!body.matches("(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
      return null;
    }
    try {
      return sign * new BigDecimal(body).doubleValue();
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Redis's float check for scores: strtod reads it all, not NaN, no overflow (inf spelled out is fine). */
  static boolean validFloat(String s) {
    Double d = strtod(s);
    if (d == null || d.isNaN()) {
      return false;
    }
    String body = s.toLowerCase(Locale.ROOT).replaceFirst("^[+-]", "");
    return !d.isInfinite() || body.startsWith("inf");
  }

  // ---------------------------------------------------------------- EXEC

  /**
   * In place of jedis-mock's MockExecutor.proceed: Redis's EXEC, the commands run Backlot's way
   * (queued inside MULTI like jedis-mock's), else jedis-mock.
   */
  static Slice proceed(OperationExecutorState state, String name, List<Slice> params,
      StreamGroups groups) {
    if (name.equals("exec") && params.isEmpty()) {
      synchronized (state.lock()) {
        return exec(state);
      }
    }
    if (REPLACED.contains(name)) {
      synchronized (state.lock()) { // jedis-mock's operations read its databases when built
        RedisOperation op = replacement(state, name, params, groups);
        if (state.isTransactionModeOn()) {
          state.tx().add(op);
          return Response.QUEUED;
        }
        try {
          return op.execute();
        } catch (ArgumentException | IllegalArgumentException | WrongValueTypeException e) {
          return Response.error(e.getMessage());
        }
      }
    }
    return errorText(name, MockExecutor.proceed(state, name, params));
  }

  /** jedis-mock's error texts that are not Redis's (Java messages, its test patterns). */
  static Slice errorText(String name, Slice reply) {
    byte[] d = reply.data();
    if (d.length == 0 || d[0] != '-') {
      return reply;
    }
    String msg = new String(d, 1, d.length - 3, java.nio.charset.StandardCharsets.UTF_8);
    String fixed = null;
    if (msg.startsWith("For input string") || msg.startsWith("java.lang.NumberFormatException")) {
      fixed = AddedOp.NOT_INTEGER;
    } else if (msg.equals("*ERR*not*float*")) {
      fixed = name.startsWith("zadd") || name.equals("zincrby") ? "ERR value is not a valid float"
          : "ERR min or max is not a float";
    } else if (msg.equals("*syntax*")) {
      fixed = name.contains("lex") ? "ERR min or max not valid string range item"
          : AddedOp.SYNTAX;
    } else if (msg.equals("ERR numkeys*")) {
      fixed = "ERR numkeys should be greater than 0";
    } else if (msg.startsWith("Recieved wrong number of arguments")
        || msg.startsWith("Received wrong number of arguments")) {
      fixed = AddedCommands.wrongArity(name);
    } else if (msg.startsWith("ERR bit offset is not a double")) {
      fixed = "ERR value is not a valid float";
    } else if (msg.contains("java.lang.") || msg.contains("Exception")) {
      fixed = AddedOp.SYNTAX;
    }
    return fixed == null ? reply : Response.error(fixed);
  }

  /** The operation for a command jedis-mock has but Backlot runs its own way, or null. */
  static RedisOperation replacement(OperationExecutorState state, String name,
      List<Slice> params, StreamGroups groups) {
    return switch (name) {
      case "eval" -> LuaScripts.op(state, params, groups, false);
      case "evalsha" -> LuaScripts.op(state, params, groups, true);
      case "xadd" -> xadd(state, params);
      case "keys", "scan", "hscan", "sscan", "zscan" -> globbed(state, name, params);
      case "xread" -> xread(state, params);
      case "hrandfield" -> HRandField.op(state, params);
      default -> null;
    };
  }

  private static Slice exec(OperationExecutorState state) {
    if (!state.isTransactionModeOn()) {
      return Response.error("ERR EXEC without MULTI");
    }
    if (state.getTransactionState() == OperationExecutorState.TransactionState.ERRORED) {
      state.transactionMode(false);
      state.tx().clear();
      state.unwatch();
      return Response.error("EXECABORT Transaction discarded because of previous errors.");
    }
    state.checkWatchedKeysNotExpired();
    boolean valid = state.isValid();
    state.unwatch();
    state.transactionMode(false);
    List<RedisOperation> queued = new ArrayList<>(state.tx());
    state.tx().clear();
    if (!valid) {
      return NIL_ARRAY;
    }
    List<Slice> results = new ArrayList<>(queued.size());
    for (RedisOperation op : queued) {
      Slice r;
      try {
        r = op.execute();
      } catch (ArgumentException | IllegalArgumentException | WrongValueTypeException e) {
        r = Response.error(e.getMessage());
      } catch (RuntimeException e) {
        r = Response.error("ERR " + e.getMessage());
      }
      results.add(r);
    }
    return Response.array(results);
  }

  // ---------------------------------------------------------------- XADD, KEYS, SCAN

  /** XADD with {@code *} minted as {@code <ms of the fake's clock>-<seq>}, monotonic. */
  static RedisOperation xadd(OperationExecutorState state, List<Slice> params) {
    List<Slice> args = new ArrayList<>(params);
    return () -> {
      int i = 1;
      if (i < args.size() && args.get(i).toString().equalsIgnoreCase("nomkstream")) {
        i++;
      }
      if (i < args.size() && (args.get(i).toString().equalsIgnoreCase("maxlen")
          || args.get(i).toString().equalsIgnoreCase("minid"))) {
        i++;
        if (i < args.size() && (args.get(i).toString().equals("=")
            || args.get(i).toString().equals("~"))) {
          i++;
        }
        i++;
        if (i < args.size() && args.get(i).toString().equalsIgnoreCase("limit")) {
          i += 2;
        }
      }
      if (i < args.size() && args.get(i).toString().equals("*")) {
        StreamId last = new StreamId(0, 0);
        if (state.base().exists(args.get(0))) {
          RMStream stream = state.base().getStream(args.get(0)); // WRONGTYPE if not a stream
          last = stream.getLastId();
        }
        long now = state.getClock().millis();
        String id;
        if (Long.compareUnsigned(now, last.getFirstPart()) > 0) {
          id = Long.toUnsignedString(now) + "-0";
        } else if (last.getSecondPart() == -1L) {
          id = Long.toUnsignedString(last.getFirstPart() + 1) + "-0";
        } else {
          id = Long.toUnsignedString(last.getFirstPart()) + "-"
              + Long.toUnsignedString(last.getSecondPart() + 1);
        }
        args.set(i, Slice.create(id));
      }
      return CommandFactory.buildOperation("xadd", true, state, args).execute();
    };
  }

  /** XREAD: Redis answers a nil array, not an empty one, when no stream has news. */
  static RedisOperation xread(OperationExecutorState state, List<Slice> params) {
    RedisOperation op = CommandFactory.buildOperation("xread", true, state, params);
    return () -> {
      Slice reply = op.execute();
      return reply.equals(EMPTY_ARRAY) ? NIL_ARRAY : reply;
    };
  }

  /** KEYS, SCAN, HSCAN, SSCAN, ZSCAN: jedis-mock's with MATCH *, then Redis's glob on the result. */
  static RedisOperation globbed(OperationExecutorState state, String name, List<Slice> params) {
    List<Slice> args = new ArrayList<>(params);
    byte[] pattern = null;
    int step = name.equals("hscan") || name.equals("zscan") ? 2 : 1;
    if (name.equals("keys")) {
      pattern = args.get(0).data();
      args.set(0, Slice.create("*"));
    } else {
      for (int i = name.equals("scan") ? 1 : 2; i + 1 < args.size(); i += 2) {
        if (args.get(i).toString().equalsIgnoreCase("match")) {
          pattern = args.get(i + 1).data();
          args.set(i + 1, Slice.create("*"));
        }
      }
    }
    byte[] glob = pattern;
    return () -> {
      RedisOperation op = CommandFactory.buildOperation(name, true, state, args);
      Slice reply = op.execute();
      if (glob == null || reply.data().length == 0 || reply.data()[0] != '*') {
        return reply;
      }
      return RespArrays.filter(reply, name.equals("keys"), step, glob);
    };
  }
}
