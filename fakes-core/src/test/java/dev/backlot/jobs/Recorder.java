package dev.backlot.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Records listener calls as short lines, with times in ms since {@code t0}. */
final class Recorder implements JobListener {

  private final Instant t0;
  private final List<String> lines = new ArrayList<>();

  Recorder(Instant t0) {
    this.t0 = t0;
  }

  private long ms(Job job) {
    return Duration.between(t0, job.asOf()).toMillis();
  }

  @Override
  public synchronized void onSubmit(Job job) {
    lines.add(job.id() + " submit @" + ms(job));
  }

  @Override
  public synchronized void onTransition(Job job, JobState from, JobState to) {
    lines.add(job.id() + " " + from + "->" + to + " @" + ms(job));
  }

  @Override
  public synchronized void onProgress(Job job, Progress progress) {
    lines.add(job.id() + " " + progress + " @" + ms(job));
  }

  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /** The lines about one job. */
  synchronized List<String> of(String id) {
    return lines.stream().filter(l -> l.startsWith(id + " ")).toList();
  }

  synchronized void clear() {
    lines.clear();
  }
}
