package dev.backlot.gradio;

import dev.backlot.engine.Ids;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files a Gradio fake holds in memory: uploads ({@code POST /gradio_api/upload}) and outputs
 * (what handlers return), each under {@code <cache dir>/<40 hex>/<name>} as Gradio 5 lays out its
 * cache, and the {@code file=} route that serves them. Any other path is refused with 403.
 */
final class FileStore {

  /** Gradio's cache directory (GRADIO_TEMP_DIR on Linux). */
  static final String CACHE_DIR = "/tmp/gradio";

  // What Gradio 5.29 serves inline (utils.XSS_SAFE_MIMETYPES); the rest as attachments.
  private static final Set<String> INLINE = Set.of(
      "image/apng", "image/avif", "image/gif", "image/jpeg", "image/png", "image/webp",
      "image/bmp", "image/x-icon", "audio/mpeg", "audio/wav", "audio/x-wav", "audio/ogg",
      "audio/webm", "video/mp4", "video/webm", "video/ogg", "text/plain", "application/json");

  enum Origin { UPLOAD, OUTPUT }

  record Stored(GradioFile file, Origin origin) {}

  private final Map<String, Stored> files = new ConcurrentHashMap<>();

  /** Stores {@code bytes} under a fresh directory; returns the file with its server path. */
  GradioFile put(Ids ids, String name, byte[] bytes, String mimeType, Origin origin) {
    String safe = sanitize(name);
    String path = CACHE_DIR + "/" + ids.hex(40) + "/" + safe;
    GradioFile f = new GradioFile(path, safe, bytes, mimeType != null ? mimeType : mimeOf(safe));
    files.put(path, new Stored(f, origin));
    return f;
  }

  Optional<Stored> get(String path) {
    return Optional.ofNullable(path == null ? null : files.get(normalize(path)));
  }

  List<GradioFile> all(Origin origin) {
    return files.values().stream().filter(s -> s.origin() == origin).map(Stored::file).toList();
  }

  void clear() {
    files.clear();
  }

  /** Gradio's filename sanitising: directory parts dropped, unsafe characters replaced. */
  static String sanitize(String name) {
    String n = name == null || name.isBlank() ? "file" : name;
    n = n.substring(Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1);
    n = n.replaceAll("[^\\w.\\- ]", "_");
    if (n.isEmpty() || n.equals(".") || n.equals("..")) {
      n = "file";
    }
    return n;
  }

  /** Collapses "." and ".." so that a path cannot climb out of the cache and still match. */
  static String normalize(String path) {
    try {
      return java.nio.file.Path.of(path).normalize().toString();
    } catch (RuntimeException e) {
      return path;
    }
  }

  static String mimeOf(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    String ext = dot < 0 ? "" : n.substring(dot + 1);
    return switch (ext) {
      case "png" -> "image/png";
      case "jpg", "jpeg" -> "image/jpeg";
      case "webp" -> "image/webp";
      case "gif" -> "image/gif";
      case "mp4", "m4v" -> "video/mp4";
      case "webm" -> "video/webm";
      case "wav" -> "audio/wav";
      case "mp3" -> "audio/mpeg";
      case "txt" -> "text/plain";
      case "json" -> "application/json";
      default -> "application/octet-stream";
    };
  }

  /** {@code GET|HEAD /gradio_api/file=<path>}: the file, a Range of it, or 403. */
  Response serve(Request req, String path) {
    if (path.startsWith("http://") || path.startsWith("https://")) {
      return Response.status(302).addHeader("Location", path);
    }
    Stored s = files.get(normalize(path.startsWith("/") ? path : "/" + path));
    if (s == null || path.contains("://")) {
      throw GradioErrors.detail(403, "File not allowed: " + path + ".");
    }
    GradioFile f = s.file();
    boolean inline = INLINE.contains(f.mimeType());
    String type = inline ? f.mimeType() : "application/octet-stream";
    String range = req.header("Range") == null ? "" : req.header("Range").strip();
    if (range.startsWith("bytes=") && range.contains("-")) {
      String[] se = range.substring(6).split("-", -1);
      if (se.length == 2 && se[0].matches("[0-9]+") && se[1].matches("[0-9]+")) {
        long start = Long.parseLong(se[0]);
        long end = Math.min(Long.parseLong(se[1]), f.size() - 1L);
        if (start >= f.size() || start > end) {
          return Response.status(416).addHeader("Content-Range", "bytes */" + f.size());
        }
        byte[] part = Arrays.copyOfRange(f.bytes(), (int) start, (int) end + 1);
        return Response.bytes(206, part, type)
            .addHeader("Content-Range", "bytes " + start + "-" + end + "/" + f.size())
            .addHeader("Accept-Ranges", "bytes")
            .addHeader("Content-Disposition", inline ? "inline" : "attachment");
      }
    }
    return Response.bytes(200, f.bytes(), type)
        .addHeader("Accept-Ranges", "bytes")
        .addHeader("Content-Disposition", (inline ? "inline" : "attachment") + "; filename=\"" + f.name() + "\"");
  }
}
