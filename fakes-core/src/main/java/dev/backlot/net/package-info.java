/**
 * Network simulation: {@link dev.backlot.net.NetworkLink}, an in-process TCP proxy with
 * Toxiproxy's toxics, no Docker, no root, no control port.
 *
 * <pre>{@code
 * try (NetworkLink link = NetworkLink.builder().target("127.0.0.1", echoPort).seed(42).start()) {
 *   Socket s = new Socket("127.0.0.1", link.port());           // or link.uri("http")
 *
 *   Toxic lag = link.toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(200))
 *       .jitter(Duration.ofMillis(20));
 *   link.toxics().named("cut").limitData(Direction.DOWNSTREAM, 1024).toxicity(0.5);
 *   lag.remove();                    // or link.toxics().remove("latency_downstream")
 *
 *   link.partition(); link.heal();   // freeze both ways, then carry on losslessly
 *   link.down();      link.up();     // refuse + drop, then accept again on the same port
 * }
 * }</pre>
 *
 * <h2>Model</h2>
 *
 * <ul>
 *   <li><b>Directions.</b> {@link dev.backlot.net.Direction#UPSTREAM} is client to target,
 *       {@link dev.backlot.net.Direction#DOWNSTREAM} target to client. Toxics on one direction
 *       form a chain in the order they were added; each keeps TCP's guarantees (bytes are never
 *       reordered; only {@code limitData} and {@code resetPeer} drop bytes, and they end the
 *       connection).
 *   <li><b>Handles.</b> {@link dev.backlot.net.Toxics} adds a toxic at once, to open connections
 *       too, and returns a {@link dev.backlot.net.Toxic} handle; optional settings are fluent
 *       setters on the handle ({@code jitter}, {@code sizeVariation}, {@code delay}, {@code
 *       retransmitTimeout}, {@code toxicity}) and act on data that arrives after they return.
 *       Removing a toxic releases what it held, in order.
 *   <li><b>Toxicity</b> picks connections, not packets (as in Toxiproxy): connection number
 *       {@code n} (accept order, from 1) gets the toxic when a roll seeded by (link seed, toxic
 *       name, {@code n}) is below the toxicity. Same seed and same connection order, same
 *       choice. Jitter, slice sizes and losses use a per-connection random source seeded the same
 *       way; how the kernel splits reads still varies, so exact timings can differ per run.
 *   <li><b>Time.</b> Every delay runs on the link's {@link dev.backlot.time.Clock}. With a
 *       {@link dev.backlot.time.ManualClock}, held data is released exactly when the test
 *       advances the clock past its due time (released on the link thread right after {@code
 *       advance} returns: read it with a blocking read). Data's due time is computed when the
 *       link reads it, so wait for the link to have it ({@code clock.pendingTasks() > 0} or
 *       {@code link.stats().bytesBuffered()}) before advancing.
 *   <li><b>Threads.</b> Non-blocking selector threads, one per core ({@link
 *       dev.backlot.net.NetworkLink.Builder#threads(int)} to choose), named {@code
 *       backlot-link-<port>} (it also listens) and {@code backlot-link-<port>-<n>} (started when
 *       the first connection is handed to it); connections are handed out in turn and each stays
 *       on its thread, with its toxics' stages and timers. They never sleep or block. Every
 *       control call (toxics, partition, down) returns once all of them applied it. {@link
 *       dev.backlot.net.NetworkLink#close()} ends them all and frees the port before returning.
 *   <li><b>Pass-through.</b> A direction without toxics moves bytes from its thread's read buffer
 *       straight into the other socket, with no copy and no allocation; only what the receiving
 *       socket refuses waits, in a buffer the direction keeps and reuses, and nothing more is
 *       read until it is out. What remains is the cost of two more loopback TCP hops (two reads
 *       and two writes per request and response, mostly kernel time): under {@code wrk -c50}
 *       the link serves 0.74 of a direct connection's requests, as haproxy does on the same hop.
 *   <li><b>Back-pressure.</b> A direction with toxics holds at most about 256 KB read but not
 *       delivered, then stops reading (the sender's socket buffers fill, as behind a slow TCP path).
 * </ul>
 *
 * <h2>Toxics (and where they differ from Toxiproxy)</h2>
 *
 * <ul>
 *   <li>{@code latency(dir, d)}: each piece of data, and the end of stream, arrives {@code d}
 *       (+/- uniform seeded jitter) after the link read it; never before earlier data.
 *   <li>{@code bandwidth(dir, bytesPerSecond)}: in bytes per second (Toxiproxy: KB/s), released
 *       in 50 ms slices; 0 stalls the direction until removed.
 *   <li>{@code slicer(dir, averageSize)}: separate writes of {@code averageSize +/- variation}
 *       bytes, {@code delay} apart (Toxiproxy's {@code delay} is in microseconds; ours is a
 *       Duration). TCP_NODELAY is on, so each slice leaves as its own segment.
 *   <li>{@code timeout(dir, t)}: holds all data and closes the connection {@code t} after the
 *       toxic started on it; {@code t = 0} holds until removed. Toxiproxy drops the data and
 *       closes on removal; here removal releases the held bytes, in order (TCP never loses
 *       bytes silently).
 *   <li>{@code resetPeer(dir, t)}: on the first data in {@code dir}, drops it and everything
 *       after; {@code t} later both sockets are closed with SO_LINGER 0 (TCP RST): clients see
 *       {@code SocketException: Connection reset}. Same as Toxiproxy.
 *   <li>{@code slowClose(dir, d)}: the end of stream (FIN) in {@code dir} is delayed by {@code d}.
 *   <li>{@code limitData(dir, n)}: {@code n} bytes pass, then the connection is closed
 *       gracefully: the reader gets exactly {@code n} bytes, then EOF.
 *   <li>{@code packetLoss(dir, p)}: loss as a TCP application sees it. Each 1448-byte segment is
 *       lost with probability {@code p}; a lost segment arrives one retransmit timeout (200 ms by
 *       default) later, doubling per repeated loss (at most 6), and later data waits behind it.
 *       Bytes are never lost or reordered. (Toxiproxy's newer {@code packet_loss} uses a
 *       Gilbert-Elliott burst model; this is a plain Bernoulli model.)
 *   <li>{@code down()/up()} are link-wide (Toxiproxy: {@code enabled=false}); open connections
 *       are closed gracefully (FIN), new ones refused; {@code up()} rebinds the same port.
 *   <li>{@code partition()/heal()} freeze and resume every connection, both ways, without
 *       closing; Toxiproxy has no equivalent (people use {@code bandwidth 0} or {@code timeout}).
 * </ul>
 */
package dev.backlot.net;
