package dev.backlot.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The checks behind {@link JobEngine#invariantProblems()} and the numbered failure messages. */
final class Invariants {

  private Invariants() {}

  /** The broken invariants of {@code core}, in words; call under its lock. */
  static List<String> problems(JobCore core) {
    List<String> p = new ArrayList<>();
    int waiting = 0;
    int terminal = 0;
    for (Map.Entry<String, JobRecord> e : core.jobs.entrySet()) {
      JobRecord r = e.getValue();
      String id = e.getKey();
      if (!id.equals(r.id)) {
        p.add(id + " is filed under another job's id " + r.id);
      }
      boolean inQueue = core.queue.contains(r);
      boolean inThrottled = core.throttled.contains(r);
      boolean inRunning = core.running.contains(r);
      int places = (inQueue ? 1 : 0) + (inThrottled ? 1 : 0) + (inRunning ? 1 : 0);
      boolean placed =
          switch (r.state) {
            case QUEUED -> inQueue && places == 1;
            case THROTTLED -> inThrottled && places == 1;
            case RUNNING -> inRunning && places == 1;
            default -> places == 0;
          };
      if (!placed) {
        p.add(id + " is " + r.state + " but queued=" + inQueue + " core.throttled=" + inThrottled
            + " core.running=" + inRunning);
      }
      if (r.state.isTerminal()) {
        terminal++;
      } else if (r.state.isWaiting()) {
        waiting++;
      }
      checkHistory(r, p);
      for (int i = 1; i < r.progressLog.size(); i++) {
        if (r.progressLog.get(i - 1).wouldGoBackTo(r.progressLog.get(i))) {
          p.add(id + " progress went back: " + r.progressLog);
          break;
        }
      }
      if (r.state == JobState.SUCCEEDED && r.failure != null) {
        p.add(id + " SUCCEEDED with a failure " + r.failure);
      }
      if (r.state == JobState.FAILED && r.failure == null) {
        p.add(id + " FAILED without a failure");
      }
    }
    for (Set<JobRecord> s : List.of(core.queue, core.throttled, core.running)) {
      for (JobRecord r : s) {
        if (core.jobs.get(r.id) != r) {
          p.add(r.id + " is held by the engine but not among its core.jobs");
        }
      }
    }
    if (core.submitted != core.jobs.size()) {
      p.add("lost core.jobs: " + core.submitted + " core.submitted but " + core.jobs.size() + " known");
    }
    if (waiting + core.running.size() + terminal != core.jobs.size()) {
      p.add("core.jobs in no state: " + waiting + " waiting + " + core.running.size() + " core.running + "
          + terminal + " terminal != " + core.jobs.size());
    }
    if (core.running.size() > core.maxRunning) {
      p.add(core.running.size() + " core.jobs RUNNING, more than the " + core.maxRunning + " allowed");
    }
    return p;
  }

  private static void checkHistory(JobRecord r, List<String> p) {
    List<StateChange> h = r.history;
    if (h.isEmpty() || h.get(0).state() != JobState.QUEUED) {
      p.add(r.id + " history does not start QUEUED: " + h);
      return;
    }
    for (int i = 1; i < h.size(); i++) {
      if (!JobTransitions.isLegal(h.get(i - 1).state(), h.get(i).state())) {
        p.add(r.id + " history has an illegal step " + h.get(i - 1).state() + " -> " + h.get(i).state() + ": " + h);
      }
      if (h.get(i).at().isBefore(h.get(i - 1).at())) {
        p.add(r.id + " history goes back in time: " + h);
      }
    }
    if (h.get(h.size() - 1).state() != r.state) {
      p.add(r.id + " is " + r.state + " but its history ends " + h.get(h.size() - 1).state());
    }
  }

  static String numbered(String title, List<?> items) {
    StringBuilder b = new StringBuilder(title).append(':');
    for (int i = 0; i < items.size(); i++) {
      b.append("\n  ").append(i + 1).append(". ").append(items.get(i));
    }
    return b.toString();
  }
}
