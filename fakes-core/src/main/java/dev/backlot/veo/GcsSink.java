package dev.backlot.veo;

/**
 * Where the Veo fake writes Vertex AI outputs when a request sets {@code parameters.storageUri}
 * ({@code gs://bucket/prefix/}): one call per clip, at the end of the operation. Backlot's GCS
 * fake fits in one line (the Veo package does not depend on it):
 *
 * <pre>{@code
 * GcsFake gcs = GcsFake.builder().bucket("renders").start();
 * VeoFake veo = VeoFake.builder()
 *     .storage((bucket, name, bytes, type) -> gcs.putObject(bucket, name, bytes, type, Map.of()))
 *     .start();
 * }</pre>
 *
 * <p>A sink that throws fails the operation (its message becomes the operation's error), as a
 * Vertex job that cannot write to its bucket fails.
 */
@FunctionalInterface
public interface GcsSink {

  /**
   * Stores one object.
   *
   * @param bucket the bucket of the storage URI
   * @param name the object name ({@code prefix/<folder>/sample_0.mp4})
   * @param bytes the MP4
   * @param contentType {@code video/mp4}
   */
  void write(String bucket, String name, byte[] bytes, String contentType);
}
