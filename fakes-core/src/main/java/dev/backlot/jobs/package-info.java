/**
 * The job engine every asynchronous fake runs on: a {@link dev.backlot.jobs.JobEngine} moves jobs
 * through one checked state machine ({@link dev.backlot.jobs.JobTransitions}) on the fake's clock,
 * at most N at once, FIFO; the test scripts them ({@link dev.backlot.jobs.JobScripts}) and asserts
 * on them ({@link dev.backlot.jobs.JobEngine#assertHealthy()}); fakes turn their events into
 * protocol messages ({@link dev.backlot.jobs.JobListener}) and their states into the backend's
 * words ({@link dev.backlot.jobs.Vocabulary}). The video fakes' builders share their job
 * settings (jobs at once, job duration, a job script from config) through {@link
 * dev.backlot.jobs.JobSettings}.
 *
 * <pre>{@code
 * ManualClock clock = Clock.manual();
 * JobEngine jobs = JobEngine.builder().clock(clock).worker(job -> "out-" + job.id()).build();
 * jobs.script().next(1).fail("CUDA out of memory");
 * Job a = jobs.submit("a");                   // QUEUED
 * Job b = jobs.submit("b");                   // QUEUED behind a
 * clock.advance(Duration.ofMillis(50));       // a RUNNING, 5 steps, FAILED; b starts
 * clock.advance(Duration.ofMillis(50));       // b SUCCEEDED with "out-job-2"
 * jobs.assertHealthy();
 * }</pre>
 */
package dev.backlot.jobs;
