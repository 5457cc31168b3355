package dev.backlot.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What jedis-mock's client sees as its socket: writes go to the connection's output, close asks
 * for a graceful close after the replies so far, and "is the client still there" (asked by
 * blocking commands) is answered from the connection's state.
 */
final class ConnSocket extends java.net.Socket {
  private final RespGate.Conn conn;
  private final OutputStream output;

  ConnSocket(RespGate.Conn conn) {
    this.conn = conn;
    this.output = new OutputStream() {
      @Override
      public void write(int b) {
        conn.write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        conn.write(b, off, len);
      }
    };
  }

  @Override
  public InputStream getInputStream() {
    return InputStream.nullInputStream(); // the gate reads; jedis-mock's reader never runs
  }

  @Override
  public OutputStream getOutputStream() {
    return output;
  }

  @Override
  public synchronized void close() {
    conn.closeRequested();
  }

  @Override
  public boolean isClosed() {
    return conn.closed || conn.gone;
  }

  @Override
  public boolean isConnected() {
    return true;
  }

  @Override
  public void sendUrgentData(int data) throws IOException {
    // jedis-mock's "is the client still connected?" probe, polled by blocking commands
    if (conn.gone || conn.closed || conn.closing) {
      throw new IOException("the client has gone");
    }
  }

  @Override
  public int getLocalPort() {
    try {
      return ((InetSocketAddress) conn.ch.getLocalAddress()).getPort();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return conn.remote;
  }

  @Override
  public InetAddress getInetAddress() {
    return conn.remote instanceof InetSocketAddress i ? i.getAddress() : null;
  }

  @Override
  public int getPort() {
    return conn.remote instanceof InetSocketAddress i ? i.getPort() : 0;
  }

  @Override
  public String toString() {
    return "RespGate connection from " + conn.remote;
  }
}
