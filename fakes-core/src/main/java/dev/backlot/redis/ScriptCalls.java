package dev.backlot.redis;

import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.exception.ArgumentException;
import com.github.fppt.jedismock.exception.WrongValueTypeException;
import com.github.fppt.jedismock.operations.CommandFactory;
import com.github.fppt.jedismock.operations.RedisOperation;
import com.github.fppt.jedismock.operations.connection.Select;
import com.github.fppt.jedismock.server.Response;
import com.github.fppt.jedismock.storage.OperationExecutorState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code redis.call} and {@code redis.pcall}: a script's command runs through the same table as
 * a client's (Redis's arity checks, the commands Backlot adds or corrects, then jedis-mock's), and
 * its reply becomes Lua values as Redis converts them (status as {@code {ok=...}}, error as
 * {@code {err=...}}, nil as {@code false}).
 */
final class ScriptCalls {

  private static final Set<String> NOT_FROM_SCRIPT = Set.of("eval", "evalsha", "eval_ro",
      "evalsha_ro", "multi", "exec", "discard", "watch", "unwatch", "subscribe", "psubscribe",
      "unsubscribe", "punsubscribe", "ssubscribe", "sunsubscribe", "script", "shutdown",
      "monitor", "sync", "psync", "quit", "reset", "fcall", "fcall_ro", "function", "cluster",
      "client", "hello", "auth", "debug", "save", "bgsave", "bgrewriteaof", "replicaof",
      "slaveof", "failover", "blpop", "brpop", "brpoplpush", "blmove", "blmpop", "bzpopmin",
      "bzpopmax", "bzmpop", "wait", "waitaof");

  private ScriptCalls() {}

  static Varargs call(OperationExecutorState state, StreamGroups groups, Varargs a,
      boolean raise) {
    if (a.narg() == 0) {
      return fail(raise, "Please specify at least one argument for this redis lib call");
    }
    List<Slice> args = new ArrayList<>(a.narg());
    for (int i = 1; i <= a.narg(); i++) {
      LuaValue v = a.arg(i);
      if (v.type() == LuaValue.TSTRING) {
        LuaString s = v.strvalue();
        byte[] b = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, b, 0, b.length);
        args.add(Slice.create(b));
      } else if (v.type() == LuaValue.TNUMBER) {
        args.add(Slice.create(number(v.todouble())));
      } else {
        return fail(raise, "Lua redis lib command arguments must be strings or integers");
      }
    }
    String name = args.get(0).toString().toLowerCase(Locale.ROOT);
    List<Slice> params = args.subList(1, args.size());
    Slice reply = execute(state, groups, name, new ArrayList<>(params));
    if (reply == null) {
      return fail(raise, "Unknown Redis command called from script");
    }
    byte[] d = reply.data();
    if (d.length > 0 && d[0] == '-') {
      String err = new String(d, 0, d.length - 2, StandardCharsets.UTF_8);
      LuaTable t = LuaScripts.errorTable(err);
      if (raise) {
        throw new LuaError(t);
      }
      return t;
    }
    return RespToLua.parse(d);
  }

  /** Lua numbers as Redis passes them to commands: integers without a fraction. */
  private static String number(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e17) {
      return Long.toString((long) d);
    }
    String s = String.format(Locale.ROOT, "%.17g", d);
    if (s.contains("e") || s.contains("E")) {
      return s;
    }
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  private static Varargs fail(boolean raise, String message) {
    LuaTable t = LuaScripts.errorTable(message);
    if (raise) {
      throw new LuaError(t);
    }
    return t;
  }

  /** One command from a script; null when there is no such command. */
  static Slice execute(OperationExecutorState state, StreamGroups groups, String name,
      List<Slice> params) {
    if (NOT_FROM_SCRIPT.contains(name)) {
      return CommandTable.knows(name)
          ? Response.error("ERR This Redis command is not allowed from script")
          : null;
    }
    if (!CommandTable.knows(name) && AddedCommands.find(name) == null
        && CommandFactory.buildOperation(name, true, state, params) == null) {
      return null;
    }
    if (!CommandTable.arityOk(name, params.size())) {
      return Response.error("ERR Wrong number of args calling Redis command from script");
    }
    try {
      AddedCommands.Spec spec = AddedCommands.find(name);
      RedisOperation op = null;
      if (spec != null) {
        String error = spec.arity().apply(params);
        if (error != null) {
          return Response.error(error);
        }
        op = spec.factory().create(state, params, groups);
      } else if ((op = Commands.replacement(state, name, params, groups)) != null) {
        // run below
      } else if (name.equals("select")) {
        op = new Select(state, params);
      } else {
        op = CommandFactory.buildOperation(name, true, state, params);
        if (op == null) {
          op = CommandFactory.buildOperation(name, false, state, params);
        }
      }
      if (op == null) {
        return null;
      }
      Slice reply = op.execute();
      return ReplyFixes.fix(name, params, reply);
    } catch (ArgumentException | IllegalArgumentException | WrongValueTypeException e) {
      return Response.error(e.getMessage());
    } catch (RuntimeException e) {
      return Response.error("ERR " + e.getMessage());
    }
  }
}
