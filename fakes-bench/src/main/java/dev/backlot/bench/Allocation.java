package dev.backlot.bench;

import dev.backlot.http.HttpFake;
import dev.backlot.openai.OpenAiFake;
import dev.backlot.wire.Response;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Server-side bytes allocated and CPU time per request: a stubbed GET, and the {@code
 * Contenders.openAiVsStub} pair (an HttpFake stub answering a chat POST, the OpenAI fake's chat
 * completion), each over one keep-alive {@link RawHttp} connection. The contenders take turns,
 * one batch each per round; every live thread's counters are read before and after a batch:
 * allocation of all threads but the client's, CPU time of the fakes' own threads (IO and
 * workers; not JIT, GC or the client). Medians of the rounds are printed. Allocation hardly
 * depends on machine noise; CPU time less than throughput does.
 *
 * <pre>
 * java -cp fakes-bench/target/benchmarks.jar dev.backlot.bench.Allocation          # 20,000 requests x 5 rounds
 * java -cp fakes-bench/target/benchmarks.jar dev.backlot.bench.Allocation 50000 7
 * java -cp fakes-bench/target/benchmarks.jar dev.backlot.bench.Allocation 50000 7 OpenAi   # one contender
 * </pre>
 */
public final class Allocation {

  private Allocation() {}

  public static void main(String[] args) throws Exception {
    int perBatch = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String only = args.length > 2 ? args[2] : "";
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    byte[] post = Contenders.CHAT_POST;
    try (OpenAiFake openAi = OpenAiFake.builder().start();
        HttpFake stub = new HttpFake().start()) {
      stub.stub("POST", "/v1/chat/completions").respond(Contenders.capturedChatReply(openAi));
      stub.stub("GET", "/ping").respond(Response.json(200, Contenders.BODY));
      Map<String, RawHttp> clients = new LinkedHashMap<>();
      clients.put("HttpFake stub GET", new RawHttp(address(stub.port()), Contenders.GET_PING));
      clients.put("HttpFake stub POST", new RawHttp(address(stub.port()), post));
      clients.put("OpenAiFake chat POST", new RawHttp(address(openAi.port()), post));
      clients.keySet().removeIf(name -> !name.contains(only));
      Map<String, long[][]> figures = new LinkedHashMap<>();
      for (Map.Entry<String, RawHttp> c : clients.entrySet()) {
        run(c.getValue(), perBatch); // warm-up
        figures.put(c.getKey(), new long[2][rounds]);
      }
      long me = Thread.currentThread().getId();
      for (int round = 0; round < rounds; round++) {
        for (Map.Entry<String, RawHttp> c : clients.entrySet()) {
          openAi.journal().clear();
          stub.journal().clear();
          Map<Long, long[]> before = snapshot(threads, me);
          run(c.getValue(), perBatch);
          Map<Long, long[]> after = snapshot(threads, me);
          long bytes = 0;
          long cpu = 0;
          for (Map.Entry<Long, long[]> e : after.entrySet()) {
            long[] was = before.getOrDefault(e.getKey(), new long[3]);
            bytes += e.getValue()[0] - was[0];
            if (e.getValue()[2] == 1) {
              cpu += e.getValue()[1] - was[1];
            }
          }
          figures.get(c.getKey())[0][round] = bytes / perBatch;
          figures.get(c.getKey())[1][round] = cpu / perBatch;
        }
      }
      for (Map.Entry<String, long[][]> f : figures.entrySet()) {
        System.out.printf("%-22s %,7d bytes allocated, %,6d ns CPU of the fake's threads per request"
                + " (medians of %d rounds x %,d)%n",
            f.getKey(), median(f.getValue()[0]), median(f.getValue()[1]), rounds, perBatch);
      }
      clients.values().forEach(RawHttp::close);
    }
  }

  private static long median(long[] xs) {
    long[] s = xs.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static InetSocketAddress address(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }

  private static void run(RawHttp client, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      Contenders.ok(client.call());
    }
  }

  // Per live thread but the client: allocated bytes, CPU time, and 1 for the fakes' own threads.
  private static Map<Long, long[]> snapshot(com.sun.management.ThreadMXBean threads, long client) {
    long[] ids = threads.getAllThreadIds();
    long[] bytes = threads.getThreadAllocatedBytes(ids);
    long[] cpu = threads.getThreadCpuTime(ids);
    ThreadInfo[] info = threads.getThreadInfo(ids);
    Map<Long, long[]> out = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] != client && bytes[i] >= 0 && cpu[i] >= 0 && info[i] != null) {
        long own = info[i].getThreadName().startsWith("backlot") ? 1 : 0;
        out.put(ids[i], new long[] {bytes[i], cpu[i], own});
      }
    }
    return out;
  }
}
