package dev.backlot.examples.ttv;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** A video generator backend: renders one job's prompt to MP4 bytes. */
public interface Generator {

  /** Everything a render may use: the job, its log, its cancel flag, its progress. */
  record Context(String jobId, JobRequest request, Consumer<String> log, BooleanSupplier cancelled,
      Progress progress) {}

  /** Reports progress (0..1) and the backend's own task id. */
  @FunctionalInterface
  interface Progress {
    void report(double fraction, String remoteTask);
  }

  /** The backend refused or failed the render; the message says why, in the backend's words. */
  final class RenderFailed extends Exception {
    public RenderFailed(String message) {
      super(message);
    }

    public RenderFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The job was cancelled while rendering; the backend's task was cancelled where it can be. */
  final class Cancelled extends Exception {
    public Cancelled(String message) {
      super(message);
    }
  }

  /** The generator's name as clients choose it. */
  String name();

  /** Renders and downloads the video. */
  byte[] render(Context ctx) throws RenderFailed, Cancelled, InterruptedException;
}
