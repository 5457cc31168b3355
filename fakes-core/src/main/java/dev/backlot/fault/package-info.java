/**
 * Fault injection for every fake: one {@link dev.backlot.fault.FaultPlan} per fake ({@code
 * fake.faults()}), whose rules act on the fake's real network traffic. The client sees a real TCP
 * reset, a real stalled socket, a real short body, a real 503 in the backend's own error JSON.
 * Nothing is thrown in-process.
 *
 * <h2>A rule is match + when + action</h2>
 *
 * <pre>{@code
 * FaultPlan faults = comfy.faults();
 *
 * // match            when          action
 * faults.on("POST", "/prompt").next(2).status(503);             // ComfyUI's own 503 body, twice
 * faults.onAny()              .probability(0.05).reset();       // 5% TCP resets, seeded
 * faults.on("GET", "/view")   .every(3).truncate(1024);         // every 3rd image cut at 1 KiB
 * faults.on(RequestPattern.post("/prompt").bodyContains("KSampler")).status(500);
 * faults.on("POST", "/v1/chat/completions").json("/model", "gpt-4o")
 *       .rateLimit(Duration.ofSeconds(2)).retryAfterMs();       // 429, Retry-After, Retry-After-Ms
 * }</pre>
 *
 * <p><b>Match</b>: method and path template (as routes write them), or a journal {@link
 * dev.backlot.journal.RequestPattern}, refined by {@code header}, {@code query}, {@code json} (a
 * JSON Pointer and a value, or a predicate) and {@code where}. <b>When</b>: always (the default),
 * {@code next(n)}, {@code nth(n)}, {@code every(k)}, {@code after(n)}, {@code probability(p)},
 * {@code between(from, to)} on the fake's clock; they combine. <b>Action</b>, HTTP ({@link
 * dev.backlot.fault.HttpRule}):
 *
 * <ul>
 *   <li>{@code status(503)}, {@code status(400, "message")}, {@code respond(Response)}, {@code
 *       rateLimit(retryAfter)}: an answer instead of the handler's, in the fake's error shape;
 *   <li>{@code delay(Duration)} or {@code delay(Delay.uniform/logNormal(...))}, then go on;
 *   <li>{@code close()} (FIN), {@code reset()} (RST), {@code stall()} (silence);
 *   <li>when they strike: before the handler (default), {@code afterHandling()} (processed, answer
 *       lost), {@code afterHeaders()}, {@code afterBytes(n)}; {@code truncate(n)} is {@code
 *       afterBytes(n).close()}, {@code stallAfterHeaders()} is {@code afterHeaders().stall()};
 *   <li>{@code corrupt()} / {@code corrupt(n)} bytes of the body, {@code throttle(bytesPerSecond)}.
 * </ul>
 *
 * <p>Streams: {@link dev.backlot.fault.SseRule} ({@code faults.onSse("GET", "/events")}) cuts a
 * stream after n events, ends it after n events with one last event of the test's choosing (a
 * backend's in-band error: {@code endAfter(n, data)}), or drops, delays, duplicates events by type; {@link
 * dev.backlot.fault.WebSocketRule} ({@code faults.onWebSocket("/ws")}) drops, delays or duplicates
 * messages by direction and JSON {@code "type"}, closes with a code or aborts after n messages,
 * refuses or drops the upgrade. A delayed message holds back those after it, as TCP would.
 *
 * <p>Commands: {@link dev.backlot.fault.CommandRule} ({@code faults.onCommand("GET")}, {@code
 * faults.onAnyCommand()}) for command protocols such as Redis's: match by command name and key
 * glob; answer an error reply ({@code error("LOADING ...")}), {@code delay}, or {@code close()} the
 * connection before the command runs, or after it with {@code afterHandling()}.
 *
 * <h2>Order, determinism, diagnostics</h2>
 *
 * <p>Rules are checked in the order they were added; a rule that only delays lets the traffic on
 * to later rules, any other rule that fires decides. Every random choice comes from the plan's
 * generator, seeded by the fake's builder ({@code .seed(42)}) or {@link
 * dev.backlot.fault.FaultPlan#DEFAULT_SEED}, and decisions are taken one at a time in arrival
 * order, so the same seed and traffic replay the same faults. The journal entry of each request or
 * message a rule acted on says which rule, what it drew, and the seed. {@link
 * dev.backlot.fault.FaultPlan#unfired()} and {@link dev.backlot.fault.FaultPlan#assertAllFired()}
 * catch the test whose fault the code never hit. {@code fake.reset()} clears the plan.
 *
 * <h2>Cost</h2>
 *
 * <p>With no rules a request pays one volatile read. Delays, stalls and throttled writes are
 * scheduled on the fake's {@link dev.backlot.time.Clock}, never slept, so a hundred delayed
 * requests hold no thread, and a {@link dev.backlot.time.ManualClock} makes them instant.
 */
package dev.backlot.fault;
