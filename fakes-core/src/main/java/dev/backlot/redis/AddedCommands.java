package dev.backlot.redis;

import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.operations.RedisOperation;
import com.github.fppt.jedismock.storage.OperationExecutorState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The commands Backlot adds to jedis-mock 1.1.18 (which answers "Unsupported operation" for
 * them): LMOVE, BLMOVE and the stream consumer-group family. Each has the arity check Redis makes
 * before a command is queued in MULTI, and a factory for its operation.
 */
final class AddedCommands {

  interface Factory {
    RedisOperation create(OperationExecutorState state, List<Slice> params, StreamGroups groups);
  }

  record Spec(String name, Function<List<Slice>, String> arity, Factory factory) {}

  static final Set<String> BLOCKING = Set.of("blmove", "xreadgroup");

  private static final Map<String, Spec> SPECS = Map.ofEntries(
      Map.entry("lmove", new Spec("lmove", exactly("lmove", 4),
          (s, p, g) -> new ListMove(s, p, false))),
      Map.entry("blmove", new Spec("blmove", exactly("blmove", 5),
          (s, p, g) -> new ListMove(s, p, true))),
      Map.entry("xgroup", new Spec("xgroup", StreamCommands.XGroup::arityError,
          StreamCommands.XGroup::new)),
      Map.entry("xreadgroup", new Spec("xreadgroup", atLeast("xreadgroup", 6),
          StreamCommands.XReadGroup::new)),
      Map.entry("xack", new Spec("xack", atLeast("xack", 3), StreamCommands.XAck::new)),
      Map.entry("xpending", new Spec("xpending", atLeast("xpending", 2),
          StreamCommands.XPending::new)),
      Map.entry("xclaim", new Spec("xclaim", atLeast("xclaim", 5), StreamCommands.XClaim::new)),
      Map.entry("xautoclaim", new Spec("xautoclaim", atLeast("xautoclaim", 5),
          StreamCommands.XAutoClaim::new)));

  private static Function<List<Slice>, String> table(String name) {
    return p -> CommandTable.arityError(name, p);
  }

  private AddedCommands() {}

  /** The spec of an added command (lower-case name), or null. */
  static Spec find(String name) {
    return SPECS.get(name);
  }

  /** The names, lower case. */
  static Set<String> names() {
    return SPECS.keySet();
  }

  private static Function<List<Slice>, String> exactly(String name, int n) {
    return p -> p.size() == n ? null : wrongArity(name);
  }

  private static Function<List<Slice>, String> atLeast(String name, int n) {
    return p -> p.size() >= n ? null : wrongArity(name);
  }

  static String wrongArity(String name) {
    return "ERR wrong number of arguments for '" + name + "' command";
  }
}
