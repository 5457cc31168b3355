package dev.backlot.jobs;

import dev.backlot.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The engine's mutable record of one job; guarded by the engine's lock. */
final class JobRecord {
  final String id;
  final long sequence;
  final Object input;
  final JobScript script;
  final ScriptRule stallRule;
  final long epoch;
  final List<StateChange> history = new ArrayList<>(4);
  final List<Progress> progressLog = new ArrayList<>();
  JobState state = JobState.QUEUED;
  Progress progress;
  Object output;
  JobFailure failure;
  long token;
  Clock.Cancellable task;
  Instant runStart;
  Duration paused = Duration.ZERO;
  int stepsDone;
  boolean stalled;
  boolean released;
  Instant stalledSince;

  JobRecord(String id, long sequence, Object input, JobScript script, ScriptRule stallRule, long epoch) {
    this.id = id;
    this.sequence = sequence;
    this.input = input;
    this.script = script;
    this.stallRule = stallRule;
    this.epoch = epoch;
  }

  void setProgress(Progress p) {
    progress = p;
    progressLog.add(p);
  }

  Instant dueOfStep(int k) {
    return runStart.plus(paused).plus(script.duration().multipliedBy(k).dividedBy(script.steps()));
  }

  Instant dueOfEnd() {
    return runStart.plus(paused).plus(script.duration());
  }

  Job snapshot(Instant asOf) {
    return new Job(id, sequence, input, state, List.copyOf(history), progress, output, failure,
        script, stalled, asOf);
  }
}
