package dev.backlot.veo;

import dev.backlot.media.Media;
import java.time.Instant;

/**
 * One generated video: its geometry and seed, and the MP4 built from them on first use (a clip
 * takes about a second to build at 720p, so it is built when someone needs the bytes, on that
 * caller's thread, never on the clock's thread unless a GCS sink needs it there) and then kept.
 */
final class Clip {

  final String fileId; // the Gemini file id, or null for Vertex outputs
  final String gcsUri; // where a GCS sink stored it, or null
  final int width;
  final int height;
  final int frames;
  final int fps;
  final long seed;
  final Instant created;
  private byte[] bytes;

  Clip(String fileId, String gcsUri, int width, int height, int frames, int fps, long seed,
      Instant created) {
    this.fileId = fileId;
    this.gcsUri = gcsUri;
    this.width = width;
    this.height = height;
    this.frames = frames;
    this.fps = fps;
    this.seed = seed;
    this.created = created;
  }

  synchronized byte[] bytes() {
    if (bytes == null) {
      bytes = Media.mp4(width, height, frames, fps, seed);
    }
    return bytes;
  }

  Clip storedAt(String uri) {
    Clip c = new Clip(fileId, uri, width, height, frames, fps, seed, created);
    synchronized (this) {
      c.bytes = bytes;
    }
    return c;
  }
}
