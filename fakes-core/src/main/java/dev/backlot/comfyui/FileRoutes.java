package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import dev.backlot.wire.Multipart;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * ComfyUI's file routes: {@code /view} (with {@code preview} and {@code channel} conversions and
 * the path rules of {@code server.py}) and {@code /upload/image}, plus {@code folder_paths}'
 * annotated names ({@code "x.png [output]"}) that LoadImage reads through.
 */
final class FileRoutes {

  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  private final FileStore files;

  FileRoutes(FileStore files) {
    this.files = files;
  }


  /** {@code GET /view}: a stored file, or a PNG/JPEG conversion of it. */
  Response view(Request req) {
    if (!req.hasQuery("filename")) {
      return Response.status(404);
    }
    String[] annotated = annotated(req.query("filename"));
    String filename = annotated[0];
    String type = annotated[1];
    if (filename.isEmpty()) {
      return Response.status(400);
    }
    if (filename.startsWith("/") || filename.contains("..")) {
      return Response.status(400);
    }
    if (type == null) {
      type = req.query("type", "output");
      if (!FileStore.TYPES.contains(type)) {
        return Response.status(400);
      }
    }
    String dir = FileStore.base(type);
    if (req.hasQuery("subfolder")) {
      String full = FileStore.join(dir, req.query("subfolder"));
      if (FileStore.inside(type, full) == null) {
        return Response.status(403);
      }
      dir = full;
    }
    String name = FileStore.basename(filename);
    String rel = FileStore.inside(type, FileStore.join(dir, name));
    Optional<FileStore.StoredFile> file =
        rel == null || rel.isEmpty() ? Optional.empty() : files.get(type, rel);
    if (file.isEmpty()) {
      return Response.status(404);
    }
    byte[] bytes = file.get().bytes();
    String disposition = "filename=\"" + name + "\"";
    String channel = req.query("channel");
    if (req.hasQuery("preview")) {
      String[] info = req.query("preview").split(";", -1);
      String format = info[0];
      if (!List.of("webp", "jpeg").contains(format) || (channel != null && channel.contains("a"))) {
        format = "webp";
      }
      // str.isdigit() then int(): any length; libjpeg's jpeg_set_quality clamps it to 1..100
      int quality = DIGITS.matcher(info[info.length - 1]).matches()
          ? jpegQuality(info[info.length - 1]) : 90;
      // The JDK has no WebP encoder: webp previews are JPEG (see the class notes in the report).
      byte[] jpeg = reencode(bytes, "jpeg", quality);
      return Response.bytes(200, jpeg, "image/jpeg").addHeader("Content-Disposition", disposition);
    }
    if ("rgb".equals(channel) || "a".equals(channel)) {
      return Response.bytes(200, reencode(bytes, channel, 0), "image/png")
          .addHeader("Content-Disposition", disposition);
    }
    String type2 = FileStore.contentType(name);
    if (List.of("text/html", "text/html-sandboxed", "application/xhtml+xml", "text/javascript",
        "text/css").contains(type2)) {
      type2 = "application/octet-stream";
    }
    return Response.bytes(200, bytes, type2).addHeader("Content-Disposition", disposition);
  }

  private static int jpegQuality(String digits) {
    java.math.BigInteger q = new java.math.BigInteger(digits);
    return q.compareTo(java.math.BigInteger.valueOf(100)) > 0 ? 100 : Math.max(1, q.intValue());
  }

  /** PIL-style conversions for {@code /view}: RGB or alpha-only PNG, or a JPEG preview. */
  private static byte[] reencode(byte[] bytes, String mode, int quality) {
    BufferedImage in;
    try {
      in = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      in = null;
    }
    if (in == null) {
      throw new Validator.ServerError("cannot identify image file");
    }
    int w = in.getWidth();
    int h = in.getHeight();
    BufferedImage out;
    if ("a".equals(mode)) {
      out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
      boolean alpha = in.getColorModel().hasAlpha();
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int a = alpha ? (in.getRGB(x, y) >>> 24) : 255;
          out.setRGB(x, y, a << 24);
        }
      }
    } else {
      out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      out.getGraphics().drawImage(in, 0, 0, null);
    }
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    try {
      if ("jpeg".equals(mode)) {
        javax.imageio.ImageWriter wr = ImageIO.getImageWritersByFormatName("jpeg").next();
        javax.imageio.ImageWriteParam p = wr.getDefaultWriteParam();
        p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(Math.max(0, Math.min(100, quality)) / 100f);
        try (javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(o)) {
          wr.setOutput(ios);
          wr.write(null, new javax.imageio.IIOImage(out, null, null), p);
        } finally {
          wr.dispose();
        }
      } else {
        ImageIO.write(out, "png", o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return o.toByteArray();
  }

  /** {@code POST /upload/image}: multipart upload with ComfyUI's name-clash rule. */
  Response uploadImage(Request req) {
    String ct = req.header("Content-Type");
    Map<String, Multipart.Part> form = new LinkedHashMap<>();
    Map<String, String> fields = new LinkedHashMap<>();
    String lower = ct == null ? "" : ct.toLowerCase(Locale.ROOT);
    if (lower.startsWith("multipart/form-data")) {
      for (Multipart.Part part : Multipart.parse(ct, req.body())) {
        String name = part.name();
        if (name != null && !form.containsKey(name)) {
          form.put(name, part);
        }
      }
    } else if (lower.startsWith("application/x-www-form-urlencoded")) {
      Request.of("POST", "/?" + req.bodyText(), Map.of(), null).queryParams()
          .forEach((k, v) -> fields.putIfAbsent(k, v.get(0)));
    }
    form.forEach((k, part) -> {
      if (part.filename() == null) {
        fields.putIfAbsent(k, part.text());
      }
    });
    Multipart.Part image = form.get("image");
    if (image == null || image.filename() == null) {
      if (fields.containsKey("image")) {
        throw new Validator.ServerError("'str' object has no attribute 'file'");
      }
      return Response.status(400);
    }
    String uploadType = fields.get("type");
    if (uploadType == null) {
      uploadType = "input";
    } else if (!FileStore.TYPES.contains(uploadType)) {
      throw new Validator.ServerError(
          "cannot access local variable 'type_dir' where it is not associated with a value");
    }
    String filename = image.filename();
    if (filename.isEmpty()) {
      return Response.status(400);
    }
    String subfolder = fields.getOrDefault("subfolder", "");
    String base = FileStore.base(uploadType);
    String folder = FileStore.join(base, FileStore.normpath(subfolder));
    String rel = FileStore.inside(uploadType, FileStore.join(folder, filename));
    if (rel == null) {
      return Response.status(400);
    }
    if (rel.isEmpty()) {
      throw new Validator.ServerError("[Errno 21] Is a directory: '" + base + "'");
    }
    byte[] bytes = image.body();
    String overwrite = fields.get("overwrite");
    boolean duplicate = false;
    synchronized (files) {
      if (!("true".equals(overwrite) || "1".equals(overwrite))) {
        String[] split = FileStore.splitext(filename);
        for (int i = 1; files.exists(uploadType, rel); i++) {
          Optional<FileStore.StoredFile> existing = files.get(uploadType, rel);
          if (existing.isPresent() && FileStore.sha256(existing.get().bytes())
              .equals(FileStore.sha256(bytes))) {
            duplicate = true;
            break;
          }
          filename = split[0] + " (" + i + ")" + split[1];
          rel = FileStore.inside(uploadType, FileStore.join(folder, filename));
          if (rel == null) {
            return Response.status(400);
          }
        }
      }
      if (!duplicate) {
        files.put(uploadType, rel, new FileStore.StoredFile(bytes.clone()));
      }
    }
    ObjectNode out = Json.object();
    out.put("name", filename);
    out.put("subfolder", subfolder);
    out.put("type", uploadType);
    return Replies.json(200, out);
  }

  /** {@code folder_paths.annotated_filepath}: "x.png [output]" names a file of another folder. */
  static String[] annotated(String name) {
    if (name.endsWith("[output]")) {
      return new String[] {cut(name, 9), "output"};
    }
    if (name.endsWith("[input]")) {
      return new String[] {cut(name, 8), "input"};
    }
    if (name.endsWith("[temp]")) {
      return new String[] {cut(name, 7), "temp"};
    }
    return new String[] {name, null};
  }

  private static String cut(String s, int n) {
    return s.length() <= n ? "" : s.substring(0, s.length() - n);
  }

  /** {@code exists_annotated_filepath}: the path (file or folder) exists; input by default. */
  static boolean existsAnnotated(FileStore files, String name) {
    String[] a = annotated(name);
    String type = a[1] == null ? "input" : a[1];
    String rel = FileStore.inside(type, FileStore.join(FileStore.base(type), a[0]));
    return rel != null && files.exists(type, rel);
  }

  /** The bytes of an annotated input name, or null. */
  static byte[] readAnnotated(FileStore files, String name) {
    String[] a = annotated(name);
    String type = a[1] == null ? "input" : a[1];
    String rel = FileStore.inside(type, FileStore.join(FileStore.base(type), a[0]));
    return rel == null ? null : files.get(type, rel).map(FileStore.StoredFile::bytes).orElse(null);
  }
}
