package dev.backlot.examples.director;

/** One connection to a backend, as the {@link ConnectionPool} hands it out. */
public interface BackendConnection extends AutoCloseable {

  /** The backend: "comfyui", "litellm", "wan2gp". */
  String service();

  /** Whether the pool may hand this connection out again; a closed one is discarded. */
  boolean isUsable();

  /** Releases what the connection holds (socket, pending work); idempotent. */
  @Override
  void close();
}
