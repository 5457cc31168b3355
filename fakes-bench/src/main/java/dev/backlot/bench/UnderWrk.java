package dev.backlot.bench;

import dev.backlot.http.HttpFake;
import dev.backlot.net.NetworkLink;
import io.undertow.Undertow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP contenders under {@code wrk -t2 -c50} (issue 21's own method), run in turns: each round
 * runs every contender once, starting with a different one each round, so each sees the same
 * machine noise on average. Prints every round's req/s, the medians of the ratios that matter, and
 * the CPU time per request of the fake's IO threads and of the link's threads (with the share spent
 * in the kernel).
 *
 * <ul>
 *   <li>{@code undertow}: bare Undertow 2.3, the same 34-byte JSON on its IO thread;
 *   <li>{@code fake}: an HttpFake with one stub;
 *   <li>{@code link}: the same fake through a {@link NetworkLink} with no toxics;
 *   <li>{@code haproxy}: the same fake through haproxy in TCP mode (only when {@code haproxy} is
 *       on the PATH): what a proxy written in C costs on the same hop.
 * </ul>
 *
 * <pre>
 * java -cp fakes-bench/target/benchmarks.jar dev.backlot.bench.UnderWrk [rounds, default 5]
 *     [seconds per run, default 8] [connections, default 50]
 * </pre>
 *
 * <p>Needs {@code wrk} on the PATH (Debian's {@code wrk} package).
 */
public final class UnderWrk {

  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern ERRORS = Pattern.compile("(Non-2xx or 3xx responses|Socket errors)");

  private UnderWrk() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int connections = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    Undertow undertow = Contenders.undertow(false);
    HttpFake fake = Contenders.stubbedFake();
    NetworkLink link = NetworkLink.to("127.0.0.1", fake.port());
    int haproxyPort = RedisVsServer.freePort();
    Process haproxy = onPath("haproxy") ? haproxy(haproxyPort, fake.port()) : null;
    try {
      Map<String, Integer> ports = new LinkedHashMap<>();
      ports.put("undertow", Contenders.address(undertow).getPort());
      ports.put("fake", fake.port());
      ports.put("link", link.port());
      if (haproxy != null) {
        ports.put("haproxy", haproxyPort);
        RedisVsServer.awaitPort(haproxyPort);
      }
      List<String> names = new ArrayList<>(ports.keySet());
      for (String name : names) { // warm-up: compile the hot paths of every contender
        wrk(ports.get(name), 3, connections);
      }
      Map<String, List<Double>> rates = new LinkedHashMap<>();
      Map<String, List<Double>> cpu = new LinkedHashMap<>();
      names.forEach(n -> rates.put(n, new ArrayList<>()));
      Cpu fakeIo = new Cpu("backlot I/O");
      Cpu linkThreads = new Cpu(NetworkLink.THREAD_PREFIX);
      for (int r = 0; r < rounds; r++) {
        StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
        for (int i = 0; i < names.size(); i++) {
          String name = names.get((r + i) % names.size());
          fake.journal().clear();
          long[] f0 = fakeIo.now();
          long[] l0 = linkThreads.now();
          double rate = wrk(ports.get(name), seconds, connections);
          double requests = rate * seconds;
          rates.get(name).add(rate);
          if (!name.equals("undertow")) {
            cpu.computeIfAbsent("fake IO threads, " + name, k -> new ArrayList<>()).add(fakeIo.since(f0) / requests);
          }
          if (name.equals("link")) {
            long[] l1 = linkThreads.now();
            cpu.computeIfAbsent("link threads", k -> new ArrayList<>())
                .add((l1[0] - l0[0]) / 1e3 / requests);
            cpu.computeIfAbsent("link threads kernel share", k -> new ArrayList<>())
                .add(1 - (double) (l1[1] - l0[1]) / Math.max(1, l1[0] - l0[0]));
          }
          line.append(String.format("  %s %.0f", name, rate));
        }
        System.out.println(line);
      }
      System.out.println();
      System.out.printf("wrk -t2 -c%d, %d s per run, %d rounds (medians of the per-round ratios)%n",
          connections, seconds, rounds);
      ratio(rates, "fake", "undertow");
      ratio(rates, "link", "fake");
      ratio(rates, "haproxy", "fake");
      ratio(rates, "link", "haproxy");
      for (Map.Entry<String, List<Double>> e : cpu.entrySet()) {
        boolean share = e.getKey().endsWith("share");
        System.out.printf("%-28s %s %s%n", e.getKey() + (share ? "" : ", us/request"),
            String.format("%.2f", Ratios.median(e.getValue())), Ratios.format(e.getValue()));
      }
    } finally {
      if (haproxy != null) {
        haproxy.destroy();
        haproxy.waitFor();
      }
      link.close();
      fake.close();
      undertow.stop();
    }
  }

  private static Process haproxy(int port, int target) throws IOException {
    Path cfg = Files.createTempFile("backlot-haproxy", ".cfg");
    cfg.toFile().deleteOnExit();
    Files.writeString(cfg, String.join("\n",
        "global", "  maxconn 1000",
        "defaults", "  mode tcp", "  timeout connect 5s", "  timeout client 60s",
        "  timeout server 60s",
        "frontend f", "  bind 127.0.0.1:" + port, "  default_backend b",
        "backend b", "  server s1 127.0.0.1:" + target, ""));
    return new ProcessBuilder("haproxy", "-db", "-f", cfg.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static void ratio(Map<String, List<Double>> rates, String a, String b) {
    List<Double> as = rates.get(a);
    List<Double> bs = rates.get(b);
    if (as == null || bs == null) {
      return;
    }
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < as.size(); i++) {
      r.add(as.get(i) / bs.get(i));
    }
    System.out.printf("%-28s %.2f %s%n", a + " / " + b, Ratios.median(r), Ratios.format(r));
  }

  /** req/s of one wrk run; fails on any error or non-2xx answer. */
  private static double wrk(int port, int seconds, int connections)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s",
        "http://127.0.0.1:" + port + "/ping").redirectErrorStream(true).start();
    String out;
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      out = String.join("\n", in.lines().toList());
    }
    Matcher m = RATE.matcher(out);
    if (p.waitFor() != 0 || !m.find() || ERRORS.matcher(out).find()) {
      throw new IOException("wrk against port " + port + " failed:\n" + out);
    }
    return Double.parseDouble(m.group(1));
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** CPU time (total and user, ns) of this JVM's threads whose names start with a prefix. */
  private record Cpu(String prefix) {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    long[] now() {
      long total = 0;
      long user = 0;
      for (var info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
        if (info != null && info.getThreadName().startsWith(prefix)) {
          total += Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
          user += Math.max(0, THREADS.getThreadUserTime(info.getThreadId()));
        }
      }
      return new long[] {total, user};
    }

    /** Microseconds of CPU since {@code before}. */
    double since(long[] before) {
      return (now()[0] - before[0]) / 1e3;
    }
  }
}
