package dev.backlot.bench;

import dev.backlot.redis.RedisFake;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Redis fake against a real {@code redis-server}, both driven by {@code redis-benchmark}
 * (SET, GET, LPUSH, LPOP; 50 clients, no pipelining unless {@code -P} is given), contenders
 * interleaved round by round so both see the same machine noise. Prints, per command, the
 * fake/server req/s ratio of each round and the median.
 *
 * <pre>
 * java -cp fakes-bench/target/benchmarks.jar dev.backlot.bench.RedisVsServer [rounds, default 5]
 *     [requests per command, default 50000] [extra redis-benchmark options, e.g. -P 16]
 * </pre>
 *
 * <p>Needs {@code redis-server} and {@code redis-benchmark} on the PATH (Redis 7.0 here); the
 * server runs with no persistence on a free loopback port and is shut down at the end.
 */
public final class RedisVsServer {

  private static final List<String> COMMANDS = List.of("SET", "GET", "LPUSH", "LPOP");

  private RedisVsServer() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    List<String> extra = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
    int serverPort = freePort();
    Process server = new ProcessBuilder("redis-server", "--port", String.valueOf(serverPort),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try (RedisFake fake = RedisFake.builder().start()) {
      awaitPort(serverPort);
      Map<String, List<Double>> ratios = new LinkedHashMap<>();
      Map<String, List<Double>> fakeRps = new LinkedHashMap<>();
      Map<String, List<Double>> serverRps = new LinkedHashMap<>();
      for (String c : COMMANDS) {
        ratios.put(c, new ArrayList<>());
        fakeRps.put(c, new ArrayList<>());
        serverRps.put(c, new ArrayList<>());
      }
      // Warm-up: the fake's hot paths are compiled after some 100 000 commands; redis-server needs
      // none. Both get one full run that is not counted.
      run(fake.port(), requests, extra);
      run(fake.port(), requests, extra);
      run(serverPort, requests, extra);
      for (int r = 0; r < rounds; r++) {
        Map<String, Double> f;
        Map<String, Double> s;
        if (r % 2 == 0) { // alternate which goes first
          f = run(fake.port(), requests, extra);
          s = run(serverPort, requests, extra);
        } else {
          s = run(serverPort, requests, extra);
          f = run(fake.port(), requests, extra);
        }
        StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
        for (String c : COMMANDS) {
          double fr = f.getOrDefault(c, 0.0);
          double sr = s.getOrDefault(c, Double.NaN);
          ratios.get(c).add(fr / sr);
          fakeRps.get(c).add(fr);
          serverRps.get(c).add(sr);
          line.append(String.format("  %s %.0f/%.0f=%.2f", c, fr, sr, fr / sr));
        }
        System.out.println(line);
        fake.reset();
      }
      System.out.println();
      System.out.println("Redis fake / redis-server, redis-benchmark -c 50 " + String.join(" ", extra)
          + " (ratio per round; median)");
      for (String c : COMMANDS) {
        System.out.printf("%-6s ratio %.2f  per round %s  (medians %.0f vs %.0f req/s)%n", c,
            Ratios.median(ratios.get(c)), Ratios.format(ratios.get(c)), Ratios.median(fakeRps.get(c)),
            Ratios.median(serverRps.get(c)));
      }
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  /** req/s per command of one redis-benchmark run. */
  private static Map<String, Double> run(int port, int requests, List<String> extra)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("redis-benchmark", "-h", "127.0.0.1", "-p",
        String.valueOf(port), "-c", "50", "-n", String.valueOf(requests), "-t", "set,get,lpush,lpop",
        "--csv"));
    cmd.addAll(extra);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Map<String, Double> out = new LinkedHashMap<>();
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        // "SET","81234.77","0.431",...
        String[] f = line.replace("\"", "").split(",");
        if (f.length >= 2 && COMMANDS.contains(f[0])) {
          out.put(f[0], Double.parseDouble(f[1]));
        }
      }
    }
    if (p.waitFor() != 0) {
      throw new IOException("redis-benchmark exited with " + p.exitValue());
    }
    return out;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static void awaitPort(int port) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
        return;
      } catch (IOException e) {
        Thread.sleep(25); // waiting for a child process to listen: nothing to latch on
      }
    }
    throw new IllegalStateException("nothing listens on " + port);
  }
}
