package dev.backlot.bench;

import dev.backlot.http.HttpFake;
import dev.backlot.wire.Response;
import io.undertow.Undertow;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cold start in fresh JVMs, contenders interleaved: for each round, one JVM that starts an
 * HttpFake with one stub and gets its first answer, and one that does the same with bare
 * Undertow 2.3. Prints the median wall time (process start to first answer, seen by the parent),
 * the median CPU time the child used up to its first answer (steadier than wall time on a busy
 * machine) and the median number of classes loaded, and their ratios.
 *
 * <pre>
 * java -cp fakes-bench/target/benchmarks.jar dev.backlot.bench.ColdStart [rounds, default 7]
 * </pre>
 */
public final class ColdStart {

  private ColdStart() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("child")) {
      child(args[1]);
      return;
    }
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    String[] kinds = {"undertow", "fake"};
    List<List<Double>> ms = List.of(new ArrayList<>(), new ArrayList<>());
    List<List<Double>> classes = List.of(new ArrayList<>(), new ArrayList<>());
    List<List<Double>> cpu = List.of(new ArrayList<>(), new ArrayList<>());
    List<Double> msRatios = new ArrayList<>();
    List<Double> cpuRatios = new ArrayList<>();
    run("undertow"); // warm the page cache for the jar
    run("fake");
    for (int r = 0; r < rounds; r++) {
      double[][] round = new double[2][];
      // alternate the order so neither always runs first
      for (int k = 0; k < 2; k++) {
        int i = (r % 2 == 0) ? k : 1 - k;
        round[i] = run(kinds[i]);
        ms.get(i).add(round[i][0]);
        classes.get(i).add(round[i][1]);
        cpu.get(i).add(round[i][2]);
      }
      msRatios.add(round[1][0] / round[0][0]);
      cpuRatios.add(round[1][2] / round[0][2]);
      System.out.printf("round %d: undertow %.0f ms (cpu %.0f ms) %.0f classes, fake %.0f ms"
              + " (cpu %.0f ms) %.0f classes%n",
          r + 1, round[0][0], round[0][2], round[0][1], round[1][0], round[1][2], round[1][1]);
    }
    System.out.printf(
        "cold start to first answer: HttpFake / bare Undertow ratio %.2f (median of per-round"
            + " ratios; medians %.0f vs %.0f ms); classes loaded %.0f vs %.0f (ratio %.2f)%n",
        Ratios.median(msRatios), Ratios.median(ms.get(1)), Ratios.median(ms.get(0)),
        Ratios.median(classes.get(1)), Ratios.median(classes.get(0)),
        Ratios.median(classes.get(1)) / Ratios.median(classes.get(0)));
    System.out.printf("cpu time to first answer: HttpFake / bare Undertow ratio %.2f (median of"
            + " per-round ratios; medians %.0f vs %.0f ms)%n",
        Ratios.median(cpuRatios), Ratios.median(cpu.get(1)), Ratios.median(cpu.get(0)));
  }

  /** {wall ms, classes loaded, cpu ms} of one fresh JVM. */
  private static double[] run(String kind) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ColdStart.class.getName(), "child", kind);
    pb.redirectErrorStream(true);
    long t0 = System.nanoTime();
    Process p = pb.start();
    String last = null;
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("READY ")) {
          last = line;
          break;
        }
      }
      double wall = (System.nanoTime() - t0) / 1e6;
      p.waitFor();
      if (last == null) {
        throw new IllegalStateException(kind + " child printed no READY line");
      }
      String[] f = last.split(" ");
      return new double[] {wall, Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    }
  }

  private static void child(String kind) throws Exception {
    if (kind.equals("fake")) {
      HttpFake fake = new HttpFake().start();
      fake.stub("GET", "/ping").respond(Response.json(200, Contenders.BODY));
      first(fake.port());
      report();
      fake.close();
    } else {
      Undertow u = Undertow.builder().addHttpListener(0, "127.0.0.1")
          .setHandler(ex -> ex.getResponseSender().send(Contenders.BODY)).build();
      u.start();
      first(((InetSocketAddress) u.getListenerInfo().get(0).getAddress()).getPort());
      report();
      u.stop();
    }
    System.exit(0);
  }

  private static void first(int port) throws Exception {
    HttpURLConnection c = (HttpURLConnection)
        URI.create("http://127.0.0.1:" + port + "/ping").toURL().openConnection();
    try (InputStream in = c.getInputStream()) {
      in.readAllBytes();
    }
    if (c.getResponseCode() != 200) {
      throw new IllegalStateException("status " + c.getResponseCode());
    }
  }

  private static void report() {
    // CPU first: reading the class count loads the management classes (the same in both)
    long cpuMs = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
    System.out.println("READY " + ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount()
        + " " + cpuMs);
    System.out.flush();
  }
}
