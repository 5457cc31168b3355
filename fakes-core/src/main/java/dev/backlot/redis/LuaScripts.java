package dev.backlot.redis;

import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.operations.RedisOperation;
import com.github.fppt.jedismock.operations.scripting.ImmutableLuaTable;
import com.github.fppt.jedismock.operations.scripting.InterruptibleDebugLib;
import com.github.fppt.jedismock.server.Response;
import com.github.fppt.jedismock.storage.OperationExecutorState;
import com.github.fppt.jedismock.storage.ScriptingManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * EVAL and EVALSHA as Redis 7.0 runs them, replacing jedis-mock's: the script sees Redis's Lua
 * libraries ({@code cjson}, {@code cmsgpack}, {@code bit}, {@code struct}) and {@code redis} API
 * ({@code call}, {@code pcall}, {@code sha1hex}, {@code error_reply}, {@code status_reply},
 * {@code setresp}, {@code log} and the {@code LOG_*} levels, {@code set_repl} and {@code REPL_*},
 * {@code replicate_commands}), runs in a read-only global environment, and its {@code
 * redis.call}s go through the same command table as clients' commands (so the commands Backlot
 * adds or corrects work from scripts too). Scripts stay interruptible by SCRIPT KILL and answer
 * BUSY past lua-time-limit, as jedis-mock's do.
 */
final class LuaScripts {

  private static final Pattern USER_SCRIPT_LINE = Pattern.compile("user_script:(\\d+)");
  private static final Pattern LOCATION = Pattern.compile("^@?(user_script:\\d+):? ");
  private static final Pattern ERROR_CODE = Pattern.compile("^[A-Z][A-Z0-9_]+ ");
  private static final List<String> REMOVED =
      List.of("print", "dofile", "loadfile", "setfenv", "getfenv", "newproxy", "require",
          "module", "collectgarbage", "io", "luajava");
  /** Compiled scripts by SHA1, shared by every fake (a script's bytecode depends only on it). */
  private static final Map<String, Prototype> COMPILED = Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Prototype> e) {
          return size() > 512;
        }
      });

  private LuaScripts() {}

  /** EVAL script numkeys key... arg... / EVALSHA sha1 numkeys ... as a queueable operation. */
  static RedisOperation op(OperationExecutorState state, List<Slice> params, StreamGroups groups,
      boolean bySha) {
    List<Slice> args = List.copyOf(params);
    return () -> {
      byte[] script;
      String sha;
      if (bySha) {
        sha = args.get(0).toString().toLowerCase(java.util.Locale.ROOT);
        String cached = state.base().getCachedLuaScript(sha);
        if (cached == null) {
          return Response.error("NOSCRIPT No matching script. Please use EVAL.");
        }
        script = cached.getBytes(StandardCharsets.UTF_8);
      } else {
        script = args.get(0).data();
        sha = sha1(script);
        state.base().addCachedLuaScript(sha, new String(script, StandardCharsets.UTF_8));
      }
      long numKeys;
      try {
        numKeys = Long.parseLong(args.get(1).toString());
      } catch (NumberFormatException e) {
        return Response.error(AddedOp.NOT_INTEGER);
      }
      if (numKeys < 0) {
        return Response.error("ERR Number of keys can't be negative");
      }
      if (numKeys > args.size() - 2) {
        return Response.error("ERR Number of keys can't be greater than number of args");
      }
      return run(state, groups, script, sha, args.subList(2, 2 + (int) numKeys),
          args.subList(2 + (int) numKeys, args.size()));
    };
  }

  static String sha1(byte[] data) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-1").digest(data);
      StringBuilder sb = new StringBuilder(40);
      for (byte b : d) {
        sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Slice run(OperationExecutorState state, StreamGroups groups, byte[] script,
      String sha, List<Slice> keys, List<Slice> argv) {
    ScriptingManager scripting = state.scriptingManager();
    int selected = state.getSelected();
    scripting.start();
    try {
      Prototype proto = COMPILED.get(sha);
      Globals globals = JsePlatform.standardGlobals();
      if (proto == null) {
        try {
          proto = globals.compilePrototype(new ByteArrayInputStream(script), "@user_script");
        } catch (LuaError | IOException e) {
          return Response.error("ERR Error compiling script (new function): "
              + stripAt(String.valueOf(e.getMessage())).strip());
        }
        COMPILED.put(sha, proto);
      }
      LuaTable sandbox = environment(globals, state, groups, keys, argv);
      globals.load(new InterruptibleDebugLib(scripting));
      LuaClosure chunk = new LuaClosure(proto, globals);
      if (chunk.upValues.length > 0) {
        chunk.upValues[0].setValue(sandbox);
      }
      LuaValue result = chunk.call();
      return reply(result);
    } catch (LuaError e) {
      if (scripting.isKillRequested()) {
        return Response.error("ERR Script killed by user with SCRIPT KILL...");
      }
      return Response.error(errorReply(e, sha));
    } catch (StackOverflowError e) {
      return Response.error("ERR user_script:1: stack overflow script: " + sha
          + ", on @user_script:1.");
    } finally {
      scripting.stop();
      state.changeActiveRedisBase(selected);
    }
  }

  // ---------------------------------------------------------------- environment

  private static LuaTable environment(Globals g, OperationExecutorState state,
      StreamGroups groups, List<Slice> keys, List<Slice> argv) {
    g.set("unpack", g.get("table").get("unpack"));
    g.set("loadstring", g.get("load"));
    for (String name : REMOVED) {
      g.set(name, LuaValue.NIL);
    }
    LuaTable os = new LuaTable();
    os.set("clock", new LuaMsgpack.Fn("clock",
        a -> LuaValue.valueOf(state.getClock().millis() / 1000.0)));
    g.set("os", readOnly(os));
    g.set("KEYS", list(keys));
    g.set("ARGV", list(argv));
    g.set("cjson", readOnly(LuaCjson.library()));
    g.set("cmsgpack", readOnly(LuaMsgpack.library()));
    g.set("bit", readOnly(LuaBitStruct.bit()));
    g.set("struct", readOnly(LuaBitStruct.struct()));
    g.set("redis", readOnly(redisApi(state, groups)));

    LuaTable sandbox = new LuaTable();
    LuaTable mt = new LuaTable();
    mt.set(LuaValue.INDEX, new LuaMsgpack.Fn("__index", a -> {
      LuaValue key = a.arg(2);
      if (key.eq_b(LuaValue.valueOf("_G"))) {
        return sandbox;
      }
      LuaValue v = g.rawget(key);
      if (v.isnil()) {
        throw new LuaError(LuaValue.valueOf(
            "Script attempted to access nonexistent global variable '" + key.tojstring() + "'"));
      }
      return v;
    }));
    mt.set(LuaValue.NEWINDEX, new LuaMsgpack.Fn("__newindex", a -> {
      throw new LuaError(LuaValue.valueOf("Attempt to modify a readonly table"));
    }));
    sandbox.setmetatable(readOnly(mt));
    return sandbox;
  }

  private static LuaTable readOnly(LuaTable t) {
    Map<LuaValue, LuaValue> entries = new HashMap<>();
    LuaValue k = LuaValue.NIL;
    while (true) {
      Varargs n = t.next(k);
      k = n.arg1();
      if (k.isnil()) {
        break;
      }
      entries.put(k, n.arg(2));
    }
    return new ImmutableLuaTable(entries);
  }

  private static LuaTable list(List<Slice> values) {
    LuaTable t = new LuaTable();
    for (int i = 0; i < values.size(); i++) {
      t.set(i + 1, LuaValue.valueOf(values.get(i).data()));
    }
    return t;
  }

  private static LuaTable redisApi(OperationExecutorState state, StreamGroups groups) {
    LuaTable r = new LuaTable();
    r.set("call", new LuaMsgpack.Fn("call", a -> ScriptCalls.call(state, groups, a, true)));
    r.set("pcall", new LuaMsgpack.Fn("pcall", a -> ScriptCalls.call(state, groups, a, false)));
    r.set("sha1hex", new LuaMsgpack.Fn("sha1hex", a -> {
      if (a.narg() != 1) {
        throw new LuaError(errorTable("wrong number of arguments"));
      }
      LuaString s = a.arg1().isstring() ? a.arg1().strvalue() : LuaValue.valueOf("");
      byte[] b = new byte[s.m_length];
      System.arraycopy(s.m_bytes, s.m_offset, b, 0, b.length);
      return LuaValue.valueOf(sha1(b));
    }));
    r.set("error_reply", new LuaMsgpack.Fn("error_reply", a -> {
      if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
        return errorTable("wrong number or type of arguments");
      }
      String err = a.arg1().tojstring();
      return errorTable(err.startsWith("-") ? err : "-" + err); // Redis 7.0 adds the '-'
    }));
    r.set("status_reply", new LuaMsgpack.Fn("status_reply", a -> {
      if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
        return errorTable("wrong number or type of arguments");
      }
      LuaTable t = new LuaTable();
      t.set("ok", a.arg1());
      return t;
    }));
    r.set("setresp", new LuaMsgpack.Fn("setresp", a -> {
      if (a.narg() != 1) {
        throw new LuaError(errorTable("redis.setresp() requires one argument."));
      }
      int resp = a.arg1().isnumber() ? a.arg1().toint() : 0;
      if (resp != 2 && resp != 3) {
        throw new LuaError(errorTable("RESP version must be 2 or 3."));
      }
      return LuaValue.NONE; // replies to the script stay RESP2-shaped (the fake speaks RESP2)
    }));
    r.set("log", new LuaMsgpack.Fn("log", a -> {
      if (a.narg() < 2) {
        throw new LuaError(errorTable("redis.log() requires two arguments or more."));
      }
      if (!a.arg1().isnumber()) {
        throw new LuaError(errorTable("First argument must be a number (log level)."));
      }
      int level = a.arg1().toint();
      if (level < 0 || level > 3) {
        throw new LuaError(errorTable("Invalid debug level."));
      }
      return LuaValue.NONE;
    }));
    r.set("set_repl", new LuaMsgpack.Fn("set_repl", a -> {
      if (a.narg() != 1) {
        throw new LuaError(errorTable("redis.set_repl() requires two arguments."));
      }
      int flags = a.arg1().isnumber() ? a.arg1().toint() : -1;
      if ((flags & ~3) != 0) {
        throw new LuaError(errorTable(
            "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE."));
      }
      return LuaValue.NONE;
    }));
    r.set("replicate_commands", new LuaMsgpack.Fn("replicate_commands", a -> LuaValue.TRUE));
    r.set("breakpoint", new LuaMsgpack.Fn("breakpoint", a -> LuaValue.FALSE));
    r.set("debug", new LuaMsgpack.Fn("debug", a -> LuaValue.NONE));
    r.set("LOG_DEBUG", LuaValue.valueOf(0));
    r.set("LOG_VERBOSE", LuaValue.valueOf(1));
    r.set("LOG_NOTICE", LuaValue.valueOf(2));
    r.set("LOG_WARNING", LuaValue.valueOf(3));
    r.set("REPL_NONE", LuaValue.valueOf(0));
    r.set("REPL_AOF", LuaValue.valueOf(1));
    r.set("REPL_SLAVE", LuaValue.valueOf(2));
    r.set("REPL_REPLICA", LuaValue.valueOf(2));
    r.set("REPL_ALL", LuaValue.valueOf(3));
    return r;
  }

  /**
   * Redis's error table: {@code "-CODE msg"} keeps its code, {@code "msg"} gets {@code ERR};
   * trailing CR/LF trimmed.
   */
  static LuaTable errorTable(String error) {
    String code = "ERR";
    String msg = error;
    if (error.startsWith("-")) {
      int sp = error.indexOf(' ');
      if (sp < 0) {
        msg = error.substring(1);
      } else {
        code = error.substring(1, sp);
        msg = error.substring(sp + 1);
      }
    }
    msg = msg.replaceAll("^[\\r\\n]+|[\\r\\n]+$", "");
    LuaTable t = new LuaTable();
    t.set("err", LuaValue.valueOf(code + " " + msg));
    return t;
  }

  // ---------------------------------------------------------------- results and errors

  /** A Lua value as Redis converts a script's result to a RESP2 reply. */
  static Slice reply(LuaValue v) {
    switch (v.type()) {
      case LuaValue.TSTRING: {
        LuaString s = v.strvalue();
        byte[] b = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, b, 0, b.length);
        return Response.bulkString(Slice.create(b));
      }
      case LuaValue.TNUMBER:
        return Response.integer((long) v.todouble());
      case LuaValue.TBOOLEAN:
        return v.toboolean() ? Response.integer(1) : Response.NULL;
      case LuaValue.TTABLE: {
        LuaValue err = v.rawget("err");
        if (err.type() == LuaValue.TSTRING) {
          return Response.error(err.tojstring().replace("\r", " ").replace("\n", " "));
        }
        LuaValue ok = v.rawget("ok");
        if (ok.type() == LuaValue.TSTRING) {
          return Response.simpleString(ok.tojstring().replace("\r", " ").replace("\n", " "));
        }
        LuaValue dbl = v.rawget("double");
        if (dbl.type() == LuaValue.TNUMBER) {
          return Response.bulkString(Slice.create(formatDouble(dbl.todouble())));
        }
        List<Slice> items = new ArrayList<>();
        for (int i = 1; ; i++) {
          LuaValue e = v.rawget(i);
          if (e.isnil()) {
            break;
          }
          items.add(reply(e));
        }
        return Response.array(items);
      }
      default:
        return Response.NULL;
    }
  }

  private static String formatDouble(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e17) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  /** The error reply Redis 7.0 gives for a script that raised. */
  private static String errorReply(LuaError e, String sha) {
    String raw = String.valueOf(e.getMessage());
    Matcher lm = USER_SCRIPT_LINE.matcher(raw);
    String line = lm.find() ? lm.group(1) : "1";
    LuaValue obj = e.getMessageObject();
    String msg;
    if (obj != null && obj.istable()) {
      LuaValue err = obj.rawget("err");
      msg = err.isnil() ? "ERR unknown error" : err.tojstring();
    } else {
      msg = raw;
      int trace = msg.indexOf("stack traceback:");
      if (trace >= 0) {
        msg = msg.substring(0, trace);
      }
      msg = stripAt(msg.strip());
      int vm = msg.indexOf("vm error: ");
      if (vm >= 0) {
        msg = msg.substring(vm + "vm error: ".length()).replaceFirst("^[\\w.$]+(Exception|Error): ", "");
      }
      msg = LOCATION.matcher(msg).replaceFirst("$1: ")
          .replace("attempt to call nil", "attempt to call a nil value")
          .replace("attempt to index nil", "attempt to index a nil value")
          .replace("index expected, got nil", "attempt to index a nil value");
      if (!msg.startsWith("user_script:") && !ERROR_CODE.matcher(msg).find()) {
        msg = "user_script:" + line + ": " + msg; // luaL_error's position, for library errors
      }
      if (!ERROR_CODE.matcher(msg).find()) {
        msg = "ERR " + msg;
      }
    }
    return msg.strip() + " script: " + sha + ", on @user_script:" + line + ".";
  }

  private static String stripAt(String msg) {
    return msg.startsWith("@") ? msg.substring(1) : msg;
  }
}
