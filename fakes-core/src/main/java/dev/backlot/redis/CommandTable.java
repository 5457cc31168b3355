package dev.backlot.redis;

import com.github.fppt.jedismock.datastructures.Slice;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Redis 7.0's command table as far as the fake needs it: each command's (and subcommand's)
 * arity, read from {@code arity.txt} (taken from a redis-server 7.0.15's {@code COMMAND} reply).
 * Redis checks arity before a command runs or is queued in MULTI, with {@code ERR wrong number of
 * arguments for 'name' command} ({@code 'container|sub'} for subcommands).
 */
final class CommandTable {

  private static final Map<String, Integer> ARITY = load();
  /** Commands with subcommands of their own arity ({@code config}, {@code xgroup}, ...). */
  private static final Set<String> CONTAINERS = containers();

  private CommandTable() {}

  private static Map<String, Integer> load() {
    Map<String, Integer> m = new HashMap<>();
    try (InputStream in = CommandTable.class.getResourceAsStream("arity.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] p = line.trim().split(" ");
        m.put(p[0], Integer.parseInt(p[1]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.copyOf(m);
  }

  private static Set<String> containers() {
    Set<String> c = new HashSet<>();
    for (String k : ARITY.keySet()) {
      int bar = k.indexOf('|');
      if (bar > 0) {
        c.add(k.substring(0, bar));
      }
    }
    return Set.copyOf(c);
  }

  /** Whether Redis 7.0 has a command of this (lower-case) name. */
  static boolean knows(String name) {
    return ARITY.containsKey(name);
  }

  /** Arity check of a top-level command with {@code args} arguments after its name. */
  static boolean arityOk(String name, int args) {
    Integer a = ARITY.get(name);
    return a == null || fits(a, args + 1);
  }

  private static boolean fits(int arity, int argc) {
    return arity > 0 ? argc == arity : argc >= -arity;
  }

  /**
   * Redis's error for a command (or subcommand) called with the wrong number of arguments, or
   * null when the count is right or the command is unknown.
   */
  static String arityError(String name, List<Slice> params) {
    Integer a = ARITY.get(name);
    if (a == null) {
      return null;
    }
    if (!fits(a, params.size() + 1)) {
      return AddedCommands.wrongArity(name);
    }
    if (!params.isEmpty() && CONTAINERS.contains(name)) {
      String full = name + "|" + params.get(0).toString().toLowerCase(Locale.ROOT);
      Integer sub = ARITY.get(full);
      if (sub != null && !fits(sub, params.size() + 1)) {
        return AddedCommands.wrongArity(full);
      }
    }
    if (name.equals("ping") && params.size() > 1) {
      return AddedCommands.wrongArity(name); // PING checks its own upper bound
    }
    return null;
  }
}
