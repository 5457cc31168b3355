package dev.backlot.bench;

import dev.backlot.http.HttpFake;
import dev.backlot.openai.OpenAiFake;
import dev.backlot.wire.Response;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Server-side bytes allocated and CPU time per request: the {@link Contenders#openAiVsStub} pair (an
 * HttpFake stub answering a chat POST, the OpenAI fake's chat completion) and a stubbed GET,
 * each driven over one keep-alive {@link RawHttp} connection. Every live thread's allocation
 * counters (allocated bytes, CPU time) are read before and after a batch, the client thread
 * left out, and the median batch is printed. Allocation does not depend on machine noise the way
 * throughput does, so a single run is enough; CPU time depends on it less than wall time (JIT
 * and GC threads count too, so read CPU as a comparison between contenders).
 *
 * <pre>
 * java -cp fakes-bench/target/benchmarks.jar dev.backlot.bench.Allocation          # 20,000 requests x 5
 * java -cp fakes-bench/target/benchmarks.jar dev.backlot.bench.Allocation 50000 7 OpenAi   # one contender
 * </pre>
 */
public final class Allocation {

  private Allocation() {}

  public static void main(String[] args) throws Exception {
    int perBatch = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int batches = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    byte[] post = RawHttp.post("/v1/chat/completions", "application/json", Contenders.CHAT,
        "Authorization: Bearer sk-bench");
    try (OpenAiFake openAi = OpenAiFake.builder().start();
        HttpFake stub = new HttpFake().start()) {
      stub.stub("POST", "/v1/chat/completions").respond(Response.json(200, Contenders.CHAT_REPLY));
      stub.stub("GET", "/ping").respond(Response.json(200, Contenders.BODY));
      Map<String, RawHttp> clients = new java.util.LinkedHashMap<>();
      clients.put("HttpFake stub GET", new RawHttp(address(stub.port()), Contenders.GET_PING));
      clients.put("HttpFake stub POST", new RawHttp(address(stub.port()), post));
      clients.put("OpenAiFake chat POST", new RawHttp(address(openAi.port()), post));
      String only = args.length > 2 ? args[2] : "";
      for (Map.Entry<String, RawHttp> c : clients.entrySet()) {
        if (!c.getKey().contains(only)) {
          continue;
        }
        long[] perRequest = new long[batches];
        long[] cpuPerRequest = new long[batches];
        run(c.getValue(), perBatch); // warm-up
        for (int b = 0; b < batches; b++) {
          openAi.journal().clear();
          stub.journal().clear();
          long me = Thread.currentThread().getId();
          Map<Long, long[]> before = snapshot(threads, me);
          run(c.getValue(), perBatch);
          Map<Long, long[]> after = snapshot(threads, me);
          long bytes = 0;
          long cpu = 0;
          for (Map.Entry<Long, long[]> e : after.entrySet()) {
            long[] was = before.getOrDefault(e.getKey(), new long[2]);
            bytes += e.getValue()[0] - was[0];
            cpu += e.getValue()[1] - was[1];
          }
          perRequest[b] = bytes / perBatch;
          cpuPerRequest[b] = cpu / perBatch;
        }
        java.util.Arrays.sort(perRequest);
        java.util.Arrays.sort(cpuPerRequest);
        System.out.printf("%-22s %,7d bytes allocated, %,6d ns CPU per request on the server"
                + " (medians of %d x %,d)%n",
            c.getKey(), perRequest[batches / 2], cpuPerRequest[batches / 2], batches, perBatch);
        c.getValue().close();
      }
    }
  }

  private static InetSocketAddress address(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }

  private static void run(RawHttp client, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      Contenders.ok(client.call());
    }
  }

  // Allocated bytes and CPU time of every live thread but the client's own.
  private static Map<Long, long[]> snapshot(com.sun.management.ThreadMXBean threads, long client) {
    long[] ids = threads.getAllThreadIds();
    long[] bytes = threads.getThreadAllocatedBytes(ids);
    long[] cpu = threads.getThreadCpuTime(ids);
    Map<Long, long[]> out = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] != client && bytes[i] >= 0 && cpu[i] >= 0) {
        out.put(ids[i], new long[] {bytes[i], cpu[i]});
      }
    }
    return out;
  }
}
