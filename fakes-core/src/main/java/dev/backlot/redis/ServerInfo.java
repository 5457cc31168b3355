package dev.backlot.redis;

import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.server.Response;
import com.github.fppt.jedismock.storage.RedisBase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * INFO in Redis 7.0's shape. jedis-mock's INFO has only {@code role} and {@code blocked_clients};
 * client libraries read more: Python RQ refuses to enqueue without {@code redis_version}, others
 * check {@code loading}, {@code redis_mode} or the keyspace.
 */
final class ServerInfo {

  /** The Redis version the fake answers as: the one its added commands were checked against. */
  static final String VERSION = "7.0.15";

  private ServerInfo() {}

  record Facts(int port, long uptimeSeconds, int connectedClients, int blockedClients,
      Map<Integer, RedisBase> bases) {}

  private static final List<String> DEFAULT = List.of("server", "clients", "memory",
      "persistence", "stats", "replication", "cpu", "keyspace");

  static Slice reply(List<Slice> params, Facts f) {
    Set<String> wanted = new java.util.LinkedHashSet<>();
    if (params.isEmpty()) {
      wanted.addAll(DEFAULT);
    }
    for (Slice p : params) {
      String s = p.toString().toLowerCase(Locale.ROOT);
      if (s.equals("all") || s.equals("default") || s.equals("everything")) {
        wanted.addAll(DEFAULT);
      } else {
        wanted.add(s);
      }
    }
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    sections.put("server", map(
        "redis_version", VERSION,
        "redis_mode", "standalone",
        "os", "Backlot RedisFake (jedis-mock 1.1.18)",
        "arch_bits", "64",
        "process_id", String.valueOf(ProcessHandle.current().pid()),
        "tcp_port", String.valueOf(f.port()),
        "uptime_in_seconds", String.valueOf(f.uptimeSeconds()),
        "uptime_in_days", String.valueOf(f.uptimeSeconds() / 86_400)));
    sections.put("clients", map(
        "connected_clients", String.valueOf(f.connectedClients()),
        "blocked_clients", String.valueOf(f.blockedClients())));
    sections.put("memory", map("used_memory", "1048576", "maxmemory", "0",
        "maxmemory_policy", "noeviction"));
    sections.put("persistence", map("loading", "0", "rdb_changes_since_last_save", "0",
        "aof_enabled", "0"));
    sections.put("stats", map("total_connections_received",
        String.valueOf(f.connectedClients())));
    sections.put("replication", map("role", "master", "connected_slaves", "0"));
    sections.put("cpu", map("used_cpu_sys", "0.0", "used_cpu_user", "0.0"));
    Map<String, String> keyspace = new LinkedHashMap<>();
    for (Map.Entry<Integer, RedisBase> db : new TreeMap<>(f.bases()).entrySet()) {
      RedisBase base = db.getValue();
      Set<Slice> keys = base.keys(); // drops expired keys, as Redis counts only live ones
      if (!keys.isEmpty()) {
        long expires = keys.stream().filter(k -> {
          Long ttl = base.getTTL(k);
          return ttl != null && ttl >= 0;
        }).count();
        keyspace.put("db" + db.getKey(),
            "keys=" + keys.size() + ",expires=" + expires + ",avg_ttl=0");
      }
    }
    sections.put("keyspace", keyspace);

    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Map<String, String>> s : sections.entrySet()) {
      if (!wanted.contains(s.getKey())) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append("\r\n");
      }
      sb.append("# ").append(Character.toUpperCase(s.getKey().charAt(0)))
          .append(s.getKey().substring(1)).append("\r\n");
      s.getValue().forEach((k, v) -> sb.append(k).append(':').append(v).append("\r\n"));
    }
    return Response.bulkString(Slice.create(sb.toString()));
  }

  private static Map<String, String> map(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
