package dev.backlot.comfyui;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The fake's input, output and temp folders, in memory. Paths are resolved the way ComfyUI's
 * {@code os.path} calls resolve them on a POSIX server, under virtual roots such as {@code
 * /comfyui/output}, so path-traversal checks behave the same. Generated images are stored as
 * recipes and rendered on first read.
 */
final class FileStore {

  static final List<String> TYPES = List.of("input", "output", "temp");
  private static final String ROOT = "/comfyui/";

  /** One stored file; {@code bytes()} renders a generated image once, on first use. */
  static final class StoredFile {
    private final Supplier<byte[]> source;
    private volatile byte[] bytes;

    StoredFile(byte[] bytes) {
      this.source = null;
      this.bytes = bytes;
    }

    StoredFile(Supplier<byte[]> source) {
      this.source = source;
    }

    byte[] bytes() {
      byte[] b = bytes;
      if (b == null) {
        synchronized (this) {
          b = bytes;
          if (b == null) {
            b = source.get();
            bytes = b;
          }
        }
      }
      return b;
    }
  }

  private final Map<String, Map<String, StoredFile>> folders = new ConcurrentHashMap<>();

  FileStore() {
    for (String t : TYPES) {
      folders.put(t, new ConcurrentHashMap<>());
    }
  }

  static String base(String type) {
    return ROOT + type;
  }

  Map<String, StoredFile> folder(String type) {
    return folders.get(type);
  }

  void clear() {
    folders.values().forEach(Map::clear);
  }

  Optional<StoredFile> get(String type, String relPath) {
    Map<String, StoredFile> f = folders.get(type);
    return f == null ? Optional.empty() : Optional.ofNullable(f.get(relPath));
  }

  void put(String type, String relPath, StoredFile file) {
    folders.get(type).put(relPath, file);
  }

  /** Files directly in the input folder that are images, sorted (LoadImage's choices). */
  List<String> inputImages() {
    List<String> out = new ArrayList<>();
    for (String name : folders.get("input").keySet()) {
      if (name.indexOf('/') < 0 && contentType(name).startsWith("image/")) {
        out.add(name);
      }
    }
    out.sort(null);
    return out;
  }

  /** Whether a relative path under {@code type} is a stored file or a folder holding files. */
  boolean exists(String type, String relPath) {
    Map<String, StoredFile> f = folders.get(type);
    if (relPath.isEmpty() || f.containsKey(relPath)) {
      return true;
    }
    String prefix = relPath + "/";
    for (String k : f.keySet()) {
      if (k.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** The highest SaveImage counter among {@code <prefix>_NNNNN_...} files in a subfolder. */
  int maxCounter(String type, String subfolder, String prefix) {
    int max = 0;
    String dir = subfolder.isEmpty() ? "" : subfolder + "/";
    for (String k : folders.get(type).keySet()) {
      if (!k.startsWith(dir) || k.indexOf('/', dir.length()) >= 0) {
        continue;
      }
      String name = k.substring(dir.length());
      // map_filename: prefix = name[:len(prefix)+1], digits = int(name[len(prefix)+1:].split('_')[0])
      int n = prefix.length();
      if (name.length() < n + 1) {
        continue;
      }
      String head = name.substring(0, n + 1);
      if (!head.substring(0, n).equals(prefix) || head.charAt(n) != '_') { // normcase: identity on POSIX
        continue;
      }
      String rest = name.substring(n + 1);
      int us = rest.indexOf('_');
      String digits = us < 0 ? rest : rest.substring(0, us);
      try {
        max = Math.max(max, Integer.parseInt(digits.strip()));
      } catch (NumberFormatException e) {
        // int() fails: counts as 0
      }
    }
    return max;
  }

  // ------------------------------------------------------------------ POSIX path helpers

  /** {@code os.path.join(a, b)} for two parts. */
  static String join(String a, String b) {
    if (b.startsWith("/")) {
      return b;
    }
    if (a.isEmpty() || a.endsWith("/")) {
      return a + b;
    }
    return a + "/" + b;
  }

  /** {@code os.path.normpath}. */
  static String normpath(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    boolean abs = path.startsWith("/");
    List<String> parts = new ArrayList<>();
    for (String c : path.split("/")) {
      if (c.isEmpty() || ".".equals(c)) {
        continue;
      }
      if ("..".equals(c) && (!parts.isEmpty() && !"..".equals(parts.get(parts.size() - 1)))) {
        parts.remove(parts.size() - 1);
      } else if ("..".equals(c) && abs) {
        continue; // nothing above the root
      } else {
        parts.add(c);
      }
    }
    String joined = String.join("/", parts);
    if (abs) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }

  /** {@code os.path.basename}. */
  static String basename(String path) {
    int i = path.lastIndexOf('/');
    return i < 0 ? path : path.substring(i + 1);
  }

  /** {@code os.path.splitext}: leading dots do not start an extension. */
  static String[] splitext(String name) {
    int slash = name.lastIndexOf('/');
    int dot = name.lastIndexOf('.');
    if (dot <= slash + 1) {
      return new String[] {name, ""};
    }
    int i = slash + 1;
    while (i < dot && name.charAt(i) == '.') {
      i++;
    }
    if (i == dot) {
      return new String[] {name, ""};
    }
    return new String[] {name.substring(0, dot), name.substring(dot)};
  }

  /**
   * The path of {@code absolute} (normalised) relative to {@code type}'s root, "" for the root
   * itself, or null if it lies outside (ComfyUI's {@code os.path.commonpath} check).
   */
  static String inside(String type, String absolute) {
    String base = base(type);
    String p = normpath(absolute);
    if (p.equals(base)) {
      return "";
    }
    return p.startsWith(base + "/") ? p.substring(base.length() + 1) : null;
  }

  static String contentType(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    String ext = dot < 0 ? "" : n.substring(dot + 1);
    return switch (ext) {
      case "png" -> "image/png";
      case "jpg", "jpeg", "jpe" -> "image/jpeg";
      case "webp" -> "image/webp";
      case "gif" -> "image/gif";
      case "bmp" -> "image/bmp";
      case "tif", "tiff" -> "image/tiff";
      case "svg" -> "image/svg+xml";
      case "ico" -> "image/vnd.microsoft.icon";
      case "mp4", "m4v" -> "video/mp4";
      case "webm" -> "video/webm";
      case "mov" -> "video/quicktime";
      case "gifv" -> "video/mp4";
      case "mp3" -> "audio/mpeg";
      case "wav" -> "audio/x-wav";
      case "flac" -> "audio/flac";
      case "ogg" -> "audio/ogg";
      case "json" -> "application/json";
      case "txt" -> "text/plain";
      case "html", "htm" -> "text/html";
      case "js" -> "application/javascript; charset=utf-8";
      case "css" -> "text/css";
      case "glb" -> "model/gltf-binary";
      default -> "application/octet-stream";
    };
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
