/**
 * The clock every fake reads: {@link dev.backlot.time.Clock#system()} by default, or a {@link
 * dev.backlot.time.ManualClock} that moves only when the test advances it, so job timing, expiry
 * and injected delays are deterministic and instant.
 *
 * <pre>{@code
 * ManualClock clock = Clock.manual();
 * GcsFake gcs = GcsFake.builder().clock(clock).start();
 * clock.advance(Duration.ofMinutes(16)); // a 15-minute signed URL has now expired
 * }</pre>
 *
 * <p>Layering: the bottom package; it imports nothing else of Backlot.
 */
package dev.backlot.time;
