package dev.backlot.bench;

import dev.backlot.http.HttpFake;
import dev.backlot.openai.OpenAiFake;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Contenders in turns rather than at once: each round runs the contender, the baseline, the
 * baseline again and the contender again (ABBA), each alone for a short leg over its own
 * keep-alive {@link RawHttp} connection, and takes the ratio of their request rates. Two
 * servers running at once on a busy 2-core machine starve each other unevenly (even two
 * identical stubs then differ by 2x within an iteration); in turns, each leg has the machine to
 * itself and slow drifts cancel out across the ABBA order. An A/A pair (two identical stubs)
 * shows the noise floor of the same run.
 *
 * <pre>
 * java -cp fakes-bench/target/benchmarks.jar dev.backlot.bench.Turns                 # every pair, 8 rounds
 * java -cp fakes-bench/target/benchmarks.jar dev.backlot.bench.Turns openAiVsStub 12 # one pair, 12 rounds
 * </pre>
 *
 * <p>Pairs: {@code openAiVsStub} (OpenAiFake chat POST / an HttpFake stub answering the same
 * POST with the same bytes), {@code fakeVsUndertow} (HttpFake GET with one stub / bare Undertow
 * 2.3 on its IO thread), {@code stubVsStub} (A/A: two identical HttpFake stubs).
 */
public final class Turns {

  private static final long LEG_MILLIS = 400;
  private static final int WARM_UP_ROUNDS = 3;

  private Turns() {}

  /** One comparison: a contender and a baseline, each a client to call. */
  private record Pair(String name, RawHttp contender, RawHttp baseline, Runnable between) {}

  public static void main(String[] args) throws Exception {
    String only = args.length > 0 ? args[0] : "";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      Map<String, Pair> pairs = new LinkedHashMap<>();

      OpenAiFake openAi = OpenAiFake.builder().start();
      resources.add(openAi);
      HttpFake chatStub = new HttpFake().start();
      resources.add(chatStub);
      chatStub.stub("POST", "/v1/chat/completions").respond(Contenders.capturedChatReply(openAi));
      pairs.put("openAiVsStub", new Pair("OpenAiFake chat POST / stub, same bytes",
          client(openAi.port(), Contenders.CHAT_POST), client(chatStub.port(), Contenders.CHAT_POST),
          () -> {
            openAi.journal().clear();
            chatStub.journal().clear();
          }));

      HttpFake fake = Contenders.stubbedFake();
      resources.add(fake);
      Undertow undertow = Contenders.undertow(false);
      resources.add(undertow::stop);
      pairs.put("fakeVsUndertow", new Pair("HttpFake GET / bare Undertow",
          client(fake.port(), Contenders.GET_PING),
          new RawHttp(Contenders.address(undertow), Contenders.GET_PING), fake.journal()::clear));

      HttpFake twin = Contenders.stubbedFake();
      resources.add(twin);
      pairs.put("stubVsStub", new Pair("A/A: HttpFake GET / an identical one",
          client(twin.port(), Contenders.GET_PING), client(fake.port(), Contenders.GET_PING),
          () -> {
            twin.journal().clear();
            fake.journal().clear();
          }));

      pairs.keySet().removeIf(k -> !k.contains(only));
      for (Pair p : pairs.values()) {
        resources.add(p.contender());
        resources.add(p.baseline());
      }
      Map<String, List<Double>> ratios = new LinkedHashMap<>();
      Map<String, double[]> rates = new LinkedHashMap<>();
      pairs.keySet().forEach(k -> {
        ratios.put(k, new ArrayList<>());
        rates.put(k, new double[2]);
      });
      // rounds go pair by pair inside each round, so every pair sees the whole run's drift
      for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
        for (Map.Entry<String, Pair> e : pairs.entrySet()) {
          Pair p = e.getValue();
          double c = rate(p.contender());
          double b = rate(p.baseline());
          b += rate(p.baseline());
          c += rate(p.contender());
          p.between().run();
          if (round >= 0) {
            ratios.get(e.getKey()).add(c / b);
            rates.get(e.getKey())[0] += c / 2 / rounds;
            rates.get(e.getKey())[1] += b / 2 / rounds;
          }
        }
      }
      System.out.println("contender / baseline in turns (ABBA legs of " + LEG_MILLIS
          + " ms; ratio per round; median)");
      for (Map.Entry<String, Pair> e : pairs.entrySet()) {
        List<Double> xs = ratios.get(e.getKey());
        System.out.printf("%-16s %-40s ratio %.2f  per round %s  (%.0f vs %.0f req/s mean)%n",
            e.getKey(), e.getValue().name(), Ratios.median(xs), Ratios.format(xs),
            rates.get(e.getKey())[0], rates.get(e.getKey())[1]);
      }
    } finally {
      for (int i = resources.size() - 1; i >= 0; i--) {
        resources.get(i).close();
      }
    }
  }

  private static RawHttp client(int port, byte[] request) {
    return new RawHttp(new InetSocketAddress("127.0.0.1", port), request);
  }

  // Requests per second over one leg.
  private static double rate(RawHttp client) throws Exception {
    long start = System.nanoTime();
    long end = start + LEG_MILLIS * 1_000_000;
    long n = 0;
    long now;
    do {
      Contenders.ok(client.call());
      n++;
    } while ((now = System.nanoTime()) < end);
    return n * 1e9 / (now - start);
  }
}
