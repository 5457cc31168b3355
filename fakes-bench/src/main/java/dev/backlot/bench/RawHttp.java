package dev.backlot.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal keep-alive HTTP/1.1 client over one socket: writes a prepared request and reads the
 * response (Content-Length or chunked). It costs far less than {@code java.net.http}, so a
 * benchmark's ratio reflects the servers, not the client.
 */
final class RawHttp implements AutoCloseable {

  private final InetSocketAddress address;
  private final byte[] request;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private final byte[] line = new byte[8192];

  RawHttp(InetSocketAddress address, byte[] request) {
    this.address = address;
    this.request = request;
  }

  static byte[] get(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] post(String path, String contentType, String body, String... headers) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1\r\nAccept: */*\r\nContent-Type: ").append(contentType)
        .append("\r\nContent-Length: ").append(b.length).append("\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    byte[] head = sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + b.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(b, 0, all, head.length, b.length);
    return all;
  }

  /** One request and its whole response; returns the status. Reconnects if the server closed. */
  int call() throws IOException {
    if (socket == null) {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(address, 10_000);
      socket.setSoTimeout(30_000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
      pos = 0;
      limit = 0;
    }
    try {
      out.write(request);
      out.flush();
      return readResponse();
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  // The response is parsed in place in `buf` (no per-byte stream calls, no String per header
  // line): what the client costs must stay small and the same whatever the headers.
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;

  private int readResponse() throws IOException {
    int n = readLine();
    if (n < 12) {
      throw new IOException("no status line");
    }
    int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    while ((n = readLine()) > 0) {
      if (startsWithIgnoreCase(n, CONTENT_LENGTH)) {
        length = parseLong(CONTENT_LENGTH.length, n, 10);
      } else if (startsWithIgnoreCase(n, TRANSFER_ENCODING)) {
        chunked = new String(line, 0, n, StandardCharsets.ISO_8859_1).toLowerCase().contains("chunked");
      } else if (startsWithIgnoreCase(n, CONNECTION)) {
        close = new String(line, 0, n, StandardCharsets.ISO_8859_1).toLowerCase().contains("close");
      }
    }
    if (chunked) {
      while (true) {
        int m = readLine();
        long size = parseLong(0, m, 16);
        if (size == 0) {
          while (readLine() > 0) {
            // trailers
          }
          break;
        }
        skip(size);
        readLine();
      }
    } else if (length > 0) {
      skip(length);
    }
    if (close) {
      close();
    }
    return status;
  }

  private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] CONNECTION = "connection:".getBytes(StandardCharsets.ISO_8859_1);

  private boolean startsWithIgnoreCase(int n, byte[] lowerPrefix) {
    if (n < lowerPrefix.length) {
      return false;
    }
    for (int i = 0; i < lowerPrefix.length; i++) {
      int c = line[i];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lowerPrefix[i]) {
        return false;
      }
    }
    return true;
  }

  // A number in line[from, to), spaces skipped, stopping at ';' (chunk extensions).
  private long parseLong(int from, int to, int radix) throws IOException {
    long v = 0;
    boolean any = false;
    for (int i = from; i < to; i++) {
      int c = line[i];
      if (c == ' ' || c == '\t') {
        continue;
      }
      if (c == ';') {
        break;
      }
      int d = Character.digit(c, radix);
      if (d < 0) {
        throw new IOException("bad number in " + new String(line, 0, to, StandardCharsets.ISO_8859_1));
      }
      v = v * radix + d;
      any = true;
    }
    if (!any) {
      throw new IOException("no number in " + new String(line, 0, to, StandardCharsets.ISO_8859_1));
    }
    return v;
  }

  private boolean fill() throws IOException {
    if (pos < limit) {
      return true;
    }
    int r = in.read(buf, 0, buf.length);
    if (r < 0) {
      return false;
    }
    pos = 0;
    limit = r;
    return true;
  }

  private void skip(long n) throws IOException {
    while (n > 0) {
      if (!fill()) {
        throw new IOException("closed mid-body");
      }
      int take = (int) Math.min(n, limit - pos);
      pos += take;
      n -= take;
    }
  }

  private int readLine() throws IOException {
    int n = 0;
    while (true) {
      if (!fill()) {
        throw new IOException("closed");
      }
      byte b = buf[pos++];
      if (b == '\n') {
        return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
      }
      if (n < line.length) {
        line[n++] = b;
      }
    }
  }

  @Override
  public void close() {
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException ignored) {
      // closing anyway
    }
    socket = null;
  }
}
