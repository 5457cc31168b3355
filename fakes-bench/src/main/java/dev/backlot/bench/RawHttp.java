package dev.backlot.bench;

import java.io.BufferedInputStream;
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
  private final byte[] sink = new byte[64 * 1024];

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
      in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      out = socket.getOutputStream();
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
      String h = new String(line, 0, n, StandardCharsets.ISO_8859_1);
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim();
      String value = h.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        length = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        chunked = value.toLowerCase().contains("chunked");
      } else if (name.equalsIgnoreCase("Connection")) {
        close = value.equalsIgnoreCase("close");
      }
    }
    if (chunked) {
      while (true) {
        int m = readLine();
        long size = Long.parseLong(new String(line, 0, m, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
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

  private void skip(long n) throws IOException {
    while (n > 0) {
      int r = in.read(sink, 0, (int) Math.min(n, sink.length));
      if (r < 0) {
        throw new IOException("closed mid-body");
      }
      n -= r;
    }
  }

  private int readLine() throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed");
      }
      if (b == '\n') {
        return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
      }
      if (n < line.length) {
        line[n++] = (byte) b;
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
