package dev.backlot.fault;

import java.time.Duration;

/**
 * What a {@link FaultPlan} decided for one command of a command protocol (obtained only from a {@link FaultDecider}, which the engine holds): wait
 * {@code delay} on the fake's clock, then answer {@code error} instead of running the command, or
 * close the connection (before the command runs, or after it when {@code afterHandling}), or run
 * it normally when neither.
 *
 * @param delay how long to hold the command first (zero for none)
 * @param error the error reply's message, or null
 * @param close whether to close the connection without a reply
 * @param afterHandling whether the close strikes after the command ran
 * @param description the rules that fired, with their match counts and the plan's seed
 */
public record CommandFault(
    Duration delay, String error, boolean close, boolean afterHandling, String description) {}
