package dev.backlot.comfyui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.comfyui.WsClient.Frame;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import dev.backlot.jobs.JobState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The queue under a manual clock: ordering with one and two workers, interrupt, delete, clear,
 * scripted failures and stalls, exactly timed progress, and who receives which message.
 */
class ComfyUiQueueTest {

  private static final Duration MS = Duration.ofMillis(1);

  ManualClock clock = Clock.manual();
  ComfyUiFake comfy;
  Http http;
  final List<WsClient> clients = new ArrayList<>();

  private void start(int workers) {
    comfy = ComfyUiFake.builder().clock(clock).workers(workers)
        .jobDuration(Duration.ofMillis(40)).start();
    http = new Http(comfy.baseUri());
  }

  private WsClient client(String id) throws InterruptedException {
    WsClient c = WsClient.connect(comfy.wsUri(), id);
    clients.add(c);
    c.next(); // status with sid
    return c;
  }

  @AfterEach
  void close() throws InterruptedException {
    for (WsClient c : clients) {
      c.closeBlocking();
    }
    if (comfy != null) {
      comfy.jobs().assertHealthy();
      comfy.close();
    }
  }

  private void advance(long millis) {
    clock.advance(Duration.ofMillis(millis));
  }

  private List<String> ids(String queueKey) {
    List<String> out = new ArrayList<>();
    for (JsonNode item : http.getJson("/queue").get(queueKey)) {
      assertThat(item.size()).as("queue items have 5 elements").isEqualTo(5);
      out.add(item.get(1).asText());
    }
    return out;
  }

  @Test
  void oneWorkerRunsPromptsOneAfterAnotherInQueueOrder() throws Exception {
    start(1);
    WsClient ws = client("c");
    for (String id : List.of("a", "b", "c")) {
      http.queueOk(Workflows.small(id.hashCode(), 4), "c", id);
    }
    assertThat(ids("queue_running")).isEmpty();
    assertThat(ids("queue_pending")).containsExactly("a", "b", "c");
    assertThat(http.getJson("/prompt").at("/exec_info/queue_remaining").asInt()).isEqualTo(3);

    advance(0); // the worker takes the first prompt
    assertThat(ids("queue_running")).containsExactly("a");
    assertThat(ids("queue_pending")).containsExactly("b", "c");
    JsonNode running = http.getJson("/queue").at("/queue_running/0");
    assertThat(running.get(0).asLong()).isZero();
    assertThat(running.get(3).get("client_id").asText()).isEqualTo("c");
    assertThat(running.get(4)).isEqualTo(Json.parse("[\"9\"]"));

    advance(40); // a ends, b starts at once
    assertThat(ids("queue_running")).containsExactly("b");
    advance(80);
    assertThat(ids("queue_running")).isEmpty();
    assertThat(ids("queue_pending")).isEmpty();

    List<Frame> frames = ws.untilDone("c");
    List<String> starts = new ArrayList<>();
    List<String> ends = new ArrayList<>();
    for (Frame f : frames) {
      if ("execution_start".equals(f.type())) {
        starts.add(f.data().get("prompt_id").asText());
        assertThat(ends).hasSize(starts.size() - 1); // the previous one ended before
      }
      if (f.json() != null && "executing".equals(f.type()) && f.data().get("node").isNull()) {
        ends.add(f.data().get("prompt_id").asText());
      }
    }
    assertThat(starts).containsExactly("a", "b", "c");
    assertThat(ends).containsExactly("a", "b", "c");
    for (String id : List.of("a", "b", "c")) {
      assertThat(comfy.history(id).orElseThrow().at("/status/status_str").asText()).isEqualTo("success");
    }
    // every start is 40 ms after the previous one, on the fake's clock
    long t0 = comfy.jobs().job("a").orElseThrow().enteredAt(JobState.RUNNING).orElseThrow().toEpochMilli();
    long t1 = comfy.jobs().job("b").orElseThrow().enteredAt(JobState.RUNNING).orElseThrow().toEpochMilli();
    long t2 = comfy.jobs().job("c").orElseThrow().enteredAt(JobState.RUNNING).orElseThrow().toEpochMilli();
    assertThat(List.of(t1 - t0, t2 - t1)).containsExactly(40L, 40L);
  }

  @Test
  void twoWorkersRunTwoPromptsAtOnce() throws Exception {
    start(2);
    WsClient ws = client("c");
    for (String id : List.of("a", "b", "c")) {
      http.queueOk(Workflows.small(id.hashCode(), 4), "c", id);
    }
    advance(0);
    assertThat(ids("queue_running")).containsExactly("a", "b");
    assertThat(ids("queue_pending")).containsExactly("c");
    assertThat(http.getJson("/prompt").at("/exec_info/queue_remaining").asInt()).isEqualTo(3);
    advance(40);
    assertThat(ids("queue_running")).containsExactly("c");
    advance(40);
    List<Frame> frames = ws.untilDone("c");
    List<String> summary = new ArrayList<>();
    for (Frame f : frames) {
      if (List.of("execution_start", "execution_success").contains(f.type())) {
        summary.add(f.type().substring(10) + ":" + f.data().get("prompt_id").asText());
      }
    }
    assertThat(summary).containsExactly("start:a", "start:b", "success:a", "success:b",
        "start:c", "success:c");
    // interleaved messages of the two runs each carry their own prompt_id
    assertThat(frames.stream().filter(f -> "progress".equals(f.type()))
        .map(f -> f.data().get("prompt_id").asText()).distinct()).containsExactly("a", "b", "c");
  }

  @Test
  void frontQueuesAheadOfWaitingPrompts() throws Exception {
    start(1);
    http.queueOk(Workflows.small(1, 2), "c", "a");
    http.queueOk(Workflows.small(2, 2), "c", "b");
    var front = Json.object();
    front.set("prompt", Workflows.small(3, 2));
    front.put("prompt_id", "c");
    front.put("front", true);
    assertThat(http.post("/prompt", front).statusCode()).isEqualTo(200);
    assertThat(ids("queue_pending")).containsExactly("c", "a", "b");
    advance(200);
    long ta = comfy.jobs().job("a").orElseThrow().enteredAt(JobState.RUNNING).orElseThrow().toEpochMilli();
    long tc = comfy.jobs().job("c").orElseThrow().enteredAt(JobState.RUNNING).orElseThrow().toEpochMilli();
    assertThat(tc).isLessThan(ta);
  }

  @Test
  void progressFollowsTheClockExactly() throws Exception {
    start(1);
    WsClient ws = client("c");
    http.queueOk(Workflows.small(1, 4), "c", "p");
    advance(0);
    ws.until(f -> "executing".equals(f.type()) && "3".equals(f.data().path("node").asText()));
    advance(9);
    assertThat(comfy.jobs().job("p").orElseThrow().progress().value()).isZero();
    advance(1);
    Frame p1 = ws.nextOfType("progress");
    assertThat(p1.data().get("value").asInt()).isEqualTo(1);
    assertThat(p1.data().get("max").asInt()).isEqualTo(4);
    assertThat(p1.data().get("node").asText()).isEqualTo("3");
    advance(30);
    List<Frame> rest = ws.untilDone("p");
    assertThat(ComfyUiConformanceTest.summary(rest)).containsSubsequence(
        "progress:2/4", "progress:3/4", "progress:4/4", "executing:8", "executing:9", "executed:9",
        "execution_success", "executing:null");
  }

  @Test
  void scriptedStepsAreScaledOntoTheSamplersSteps() throws Exception {
    start(1);
    WsClient ws = client("c");
    comfy.jobs().script().next(1).steps(2);
    http.queueOk(Workflows.small(1, 20), "c", "p");
    advance(100);
    List<String> progress = new ArrayList<>();
    for (Frame f : ws.untilDone("p")) {
      if ("progress".equals(f.type())) {
        progress.add(f.data().get("value").asInt() + "/" + f.data().get("max").asInt());
      }
    }
    assertThat(progress).containsExactly("10/20", "20/20");
  }

  @Test
  void interruptEndsTheRunningPrompt() throws Exception {
    start(1);
    WsClient ws = client("c");
    comfy.jobs().script().next(1).duration(Duration.ofSeconds(10));
    http.queueOk(Workflows.small(1, 10), "c", "long");
    http.queueOk(Workflows.small(2, 2), "c", "next");
    advance(2000); // 2 of 10 steps
    ws.until(f -> "progress".equals(f.type()) && f.data().get("value").asInt() == 2);

    // a targeted interrupt of a prompt that is not running changes nothing
    assertThat(http.post("/interrupt", "{\"prompt_id\": \"next\"}").statusCode()).isEqualTo(200);
    assertThat(ids("queue_running")).containsExactly("long");

    assertThat(http.post("/interrupt", "").statusCode()).isEqualTo(200); // no JSON: global
    List<Frame> frames = ws.untilDone("long");
    Frame interrupted = frames.stream().filter(f -> "execution_interrupted".equals(f.type()))
        .findFirst().orElseThrow();
    assertThat(interrupted.data().get("node_id").asText()).isEqualTo("3");
    assertThat(interrupted.data().get("node_type").asText()).isEqualTo("KSampler");
    assertThat(interrupted.data().get("executed")).isEqualTo(Json.parse("[\"4\", \"6\", \"7\", \"5\"]"));
    assertThat(WsClient.types(frames)).doesNotContain("execution_success", "executed");
    JsonNode h = comfy.history("long").orElseThrow();
    assertThat(h.at("/status/status_str").asText()).isEqualTo("error");
    assertThat(h.at("/status/completed").asBoolean()).isFalse();
    assertThat(h.at("/status/messages/2/0").asText()).isEqualTo("execution_interrupted");
    assertThat(h.get("outputs").size()).isZero();
    assertThat(comfy.jobs().job("long").orElseThrow().state()).isEqualTo(JobState.CANCELLED);

    advance(0); // the next prompt takes the worker and runs normally
    advance(40);
    ws.untilDone("next");
    assertThat(comfy.history("next").orElseThrow().at("/status/status_str").asText()).isEqualTo("success");
  }

  @Test
  void targetedInterruptOfTheRunningPrompt() throws Exception {
    start(1);
    client("c");
    comfy.jobs().script().next(1).stall();
    http.queueOk(Workflows.small(1, 4), "c", "held");
    advance(1000);
    assertThat(comfy.jobs().job("held").orElseThrow().isStalled()).isTrue();
    http.post("/interrupt", "{\"prompt_id\": \"held\"}");
    assertThat(comfy.jobs().job("held").orElseThrow().state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void interruptWhenIdleDoesNothing() throws Exception {
    start(1);
    WsClient ws = client("c");
    http.post("/interrupt", "{}");
    http.queueOk(Workflows.small(1, 2), "c", "p");
    advance(100);
    assertThat(WsClient.types(ws.untilDone("p"))).contains("execution_success");
  }

  @Test
  void deleteRemovesAPendingPromptOnly() throws Exception {
    start(1);
    WsClient ws = client("c");
    http.queueOk(Workflows.small(1, 2), "c", "a");
    http.queueOk(Workflows.small(2, 2), "c", "b");
    http.queueOk(Workflows.small(3, 2), "c", "c");
    advance(0);
    assertThat(http.post("/queue", "{\"delete\": [\"b\", \"a\"]}").statusCode()).isEqualTo(200);
    assertThat(ids("queue_running")).containsExactly("a"); // running prompts are not deleted
    assertThat(ids("queue_pending")).containsExactly("c");
    advance(200);
    List<Integer> remaining = new ArrayList<>();
    for (Frame f : ws.untilDone("c")) {
      if ("status".equals(f.type())) {
        assertThat(f.data().has("sid")).isFalse();
        remaining.add(f.data().at("/status/exec_info/queue_remaining").asInt());
      }
    }
    // queued a, b, c; a dequeued; b deleted; a done; c dequeued; c done
    assertThat(remaining).containsExactly(1, 2, 3, 3, 2, 1, 1, 0);
    assertThat(comfy.history("a")).isPresent();
    assertThat(comfy.history("b")).isEmpty();
    assertThat(http.getJson("/history/b")).isEqualTo(Json.object());
    assertThat(comfy.jobs().job("b").orElseThrow().state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void clearEmptiesThePendingQueue() throws Exception {
    start(1);
    client("c");
    for (String id : List.of("a", "b", "c")) {
      http.queueOk(Workflows.small(id.hashCode(), 2), "c", id);
    }
    advance(0);
    http.post("/queue", "{\"clear\": true}");
    assertThat(ids("queue_pending")).isEmpty();
    assertThat(ids("queue_running")).containsExactly("a");
    advance(100);
    assertThat(comfy.historySize()).isEqualTo(1);
  }

  @Test
  void scriptedFailureIsAnExecutionErrorAtTheRunningNode() throws Exception {
    start(1);
    WsClient ws = client("c");
    comfy.jobs().script().next(1).fail("CUDA out of memory");
    http.queueOk(Workflows.small(1, 4), "c", "p");
    advance(100);
    List<Frame> frames = ws.untilDone("p");
    assertThat(ComfyUiConformanceTest.summary(frames)).containsSubsequence("execution_start",
        "execution_cached", "executing:3", "progress:4/4", "execution_error", "status:0",
        "executing:null");
    assertThat(WsClient.types(frames)).doesNotContain("execution_success", "executed");
    JsonNode err = frames.stream().filter(f -> "execution_error".equals(f.type())).findFirst()
        .orElseThrow().data();
    assertThat(err.get("prompt_id").asText()).isEqualTo("p");
    assertThat(err.get("node_id").asText()).isEqualTo("3");
    assertThat(err.get("node_type").asText()).isEqualTo("KSampler");
    assertThat(err.get("exception_message").asText()).isEqualTo("CUDA out of memory\n");
    assertThat(err.get("exception_type").asText()).isEqualTo("Exception");
    assertThat(err.get("executed")).isEqualTo(Json.parse("[\"4\", \"6\", \"7\", \"5\"]"));
    assertThat(err.at("/current_inputs/seed/0").asLong()).isEqualTo(1);
    assertThat(err.at("/current_inputs/model/0").asText()).isEqualTo("<MODEL object>");
    assertThat(err.get("traceback").isArray()).isTrue();
    assertThat(err.get("timestamp").isIntegralNumber()).isTrue();

    JsonNode h = http.getJson("/history/p").get("p");
    assertThat(h.at("/status/status_str").asText()).isEqualTo("error");
    assertThat(h.at("/status/completed").asBoolean()).isFalse();
    assertThat(h.at("/status/messages/2/0").asText()).isEqualTo("execution_error");
    assertThat(h.at("/status/messages/2/1/node_id").asText()).isEqualTo("3");
    assertThat(h.get("outputs").size()).isZero();
  }

  @Test
  void aFailureCanNameItsNodeAndExceptionType() throws Exception {
    start(1);
    WsClient ws = client("c");
    comfy.jobs().script().next(1).fail("Allocation on device",
        Map.of("node_id", "8", "exception_type", "torch.OutOfMemoryError"));
    http.queueOk(Workflows.small(1, 2), "c", "p");
    advance(100);
    List<Frame> frames = ws.untilDone("p");
    assertThat(ComfyUiConformanceTest.summary(frames)).containsSubsequence("executing:3",
        "progress:2/2", "executing:8", "execution_error");
    JsonNode err = frames.stream().filter(f -> "execution_error".equals(f.type())).findFirst()
        .orElseThrow().data();
    assertThat(err.get("node_id").asText()).isEqualTo("8");
    assertThat(err.get("node_type").asText()).isEqualTo("VAEDecode");
    assertThat(err.get("exception_type").asText()).isEqualTo("torch.OutOfMemoryError");
    assertThat(err.get("executed")).isEqualTo(Json.parse("[\"4\", \"6\", \"7\", \"5\", \"3\"]"));
  }

  @Test
  void aStalledPromptHoldsTheWorkerUntilReleased() throws Exception {
    start(1);
    WsClient ws = client("c");
    comfy.jobs().script().next(1).stallAfter(2);
    http.queueOk(Workflows.small(1, 4), "c", "held");
    http.queueOk(Workflows.small(2, 4), "c", "after");
    advance(60_000);
    assertThat(ids("queue_running")).containsExactly("held");
    assertThat(ids("queue_pending")).containsExactly("after");
    assertThat(comfy.jobs().job("held").orElseThrow().progress().value()).isEqualTo(2);
    comfy.jobs().release("held");
    advance(200);
    ws.untilDone("after");
    assertThat(comfy.historySize()).isEqualTo(2);
  }

  @Test
  void executionMessagesGoOnlyToTheClientThatQueuedStatusGoesToAll() throws Exception {
    start(1);
    WsClient mine = client("mine");
    WsClient other = client("other");
    http.queueOk(Workflows.small(1, 2), "mine", "p");
    advance(100);
    List<Frame> own = mine.untilDone("p");
    assertThat(WsClient.types(own)).contains("execution_start", "progress", "executed");
    List<Frame> seen = other.until(f -> "status".equals(f.type())
        && f.data().at("/status/exec_info/queue_remaining").asInt() == 0);
    assertThat(WsClient.types(seen)).containsOnly("status");
    assertThat(seen).hasSize(3); // queued, dequeued, done
  }

  @Test
  void aClientIdWithoutSocketStillRuns() throws Exception {
    start(1);
    http.queueOk(Workflows.small(1, 2), "nobody", "p");
    advance(100);
    assertThat(comfy.history("p").orElseThrow().at("/status/status_str").asText()).isEqualTo("success");
  }
}
