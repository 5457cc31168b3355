package dev.backlot.cablecast;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.jobs.Job;
import dev.backlot.jobs.JobEngine;
import dev.backlot.jobs.JobListener;
import dev.backlot.jobs.JobState;
import dev.backlot.jobs.Progress;
import java.time.Duration;

/**
 * The server-side work of the fake, on one {@link JobEngine}: a VOD's transcoding (job {@code
 * vod-<id>}, input {@link VodJob}) and an upload's post-processing (job {@code upload-<id>},
 * input {@link UploadJob}). Job events are written back into the library (VOD state, progress,
 * transactions) and into the upload records, so reads see them without asking the engine.
 */
final class Processing implements JobListener {

  /** A VOD being transcoded. */
  record VodJob(long vodId) {}

  /** An upload being post-processed into an asset. */
  record UploadJob(long uploadId) {}

  private final JobEngine jobs;
  private final Library lib;
  private final Uploads uploads;

  Processing(Clock clock, Duration duration, int steps, Library lib, Uploads uploads) {
    this.lib = lib;
    this.uploads = uploads;
    this.jobs = JobEngine.builder()
        .clock(clock)
        .maxRunning(2)
        .defaultDuration(duration)
        .defaultSteps(steps)
        .build();
    jobs.addListener(this);
  }

  JobEngine jobs() {
    return jobs;
  }

  static String vodJobId(long vodId) {
    return "vod-" + vodId;
  }

  static String uploadJobId(long uploadId) {
    return "upload-" + uploadId;
  }

  /** Starts transcoding a VOD just stored. */
  void transcode(long vodId) {
    jobs.submit(vodJobId(vodId), new VodJob(vodId));
  }

  /** Starts post-processing an upload whose segments are all in. */
  void process(long uploadId) {
    jobs.submit(uploadJobId(uploadId), new UploadJob(uploadId));
  }

  /** Stops the transcoding of a VOD that was deleted. */
  void forget(long vodId) {
    String id = vodJobId(vodId);
    if (!jobs.cancel(id)) {
      jobs.interrupt(id);
    }
  }

  @Override
  public void onSubmit(Job job) {
    if (job.input() instanceof VodJob v) {
      vodState(v.vodId(), "Queued", 0);
    } else if (job.input() instanceof UploadJob u) {
      uploads.state(u.uploadId(), "UploadingComplete");
    }
  }

  @Override
  public void onTransition(Job job, JobState from, JobState to) {
    if (job.input() instanceof VodJob v) {
      switch (to) {
        case RUNNING -> vodState(v.vodId(), "Transcoding", 0);
        case SUCCEEDED -> vodState(v.vodId(), "Ready", 100);
        case FAILED -> vodState(v.vodId(), "Failed", -1);
        default -> { }
      }
    } else if (job.input() instanceof UploadJob u) {
      switch (to) {
        case RUNNING -> uploads.state(u.uploadId(), "PostProcessing");
        case SUCCEEDED -> uploads.finish(u.uploadId());
        case FAILED, CANCELLED -> uploads.state(u.uploadId(), "Error");
        default -> { }
      }
    }
  }

  @Override
  public void onProgress(Job job, Progress p) {
    if (job.input() instanceof VodJob v) {
      int percent = p.max() == 0 ? 0 : (int) (100L * p.value() / p.max());
      synchronized (lib) {
        if (lib.exists(Schema.VOD, v.vodId())) {
          ObjectNode change = Json.object();
          change.put("percentComplete", Math.min(99, percent));
          lib.update(Schema.VOD, v.vodId(), change);
        }
      }
    } else if (job.input() instanceof UploadJob u && p.max() > 0 && 2 * p.value() >= p.max()) {
      uploads.state(u.uploadId(), "Transferring");
    }
  }

  /** Records a VOD state: a transaction, the VOD's state fields; percent -1 keeps it. */
  private void vodState(long vodId, String state, int percent) {
    synchronized (lib) {
      ObjectNode vod = lib.get(Schema.VOD, vodId);
      if (vod == null) {
        return; // deleted meanwhile
      }
      ObjectNode tx = Json.object();
      tx.put("vod", vodId);
      tx.put("transactionType", CablecastStates.vodTransactionType(state));
      tx.put("description", state);
      tx.put("dateTime", lib.dates().format(jobs.clock().instant()));
      long txId = lib.insert(Schema.VOD_TRANSACTION, tx);
      ObjectNode change = Json.object();
      change.put("vodState", state);
      change.put("lastTransaction", txId);
      if (percent >= 0) {
        change.put("percentComplete", percent);
      }
      boolean ready = state.equals("Ready");
      change.put("isWatchable", ready);
      if (ready) {
        change.put("url", vodPath(vodId, vod.path("fileName").asText("vod.mp4")));
      }
      lib.update(Schema.VOD, vodId, change);
    }
  }

  /** Where a Ready VOD's video is served; made absolute (and embedded) when rendered. */
  static String vodPath(long vodId, String fileName) {
    return "/vod/" + vodId + "/" + fileName.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  void reset() {
    jobs.reset();
  }

  void close() {
    jobs.close();
  }
}
