package dev.backlot.net;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** One proxied connection: the accepted client socket, the socket to the target, two pipes. */
final class Connection {

  final NetworkLink link;
  /** The link thread that carries this connection; everything here runs on it. */
  final Loop loop;
  /** 1-based, in accept order: what toxicity rolls are keyed on. */
  final long index;
  final SocketChannel client;
  final SocketChannel server;
  final Pipe up;
  final Pipe down;
  SelectionKey clientKey;
  SelectionKey serverKey;
  boolean connected;
  boolean closed;

  Connection(Loop loop, long index, SocketChannel client, SocketChannel server) {
    this.loop = loop;
    this.link = loop.link;
    this.index = index;
    this.client = client;
    this.server = server;
    this.up = new Pipe(this, Direction.UPSTREAM);
    this.down = new Pipe(this, Direction.DOWNSTREAM);
  }

  Pipe pipe(Direction direction) {
    return direction == Direction.UPSTREAM ? up : down;
  }

  /** A key of this connection is ready. */
  void onReady(SelectionKey key) {
    try {
      int ready = key.readyOps();
      if (key == clientKey) {
        if ((ready & SelectionKey.OP_WRITE) != 0) {
          down.flush();
        }
        if (!closed && (ready & SelectionKey.OP_READ) != 0) {
          up.read();
        }
      } else {
        if ((ready & SelectionKey.OP_CONNECT) != 0) {
          finishConnect();
        }
        if (!closed && (ready & SelectionKey.OP_WRITE) != 0) {
          up.flush();
        }
        if (!closed && (ready & SelectionKey.OP_READ) != 0) {
          down.read();
        }
      }
    } catch (IOException | CancelledKeyException e) {
      reset();
    }
    updateInterest();
  }

  private void finishConnect() {
    try {
      if (!server.finishConnect()) {
        return;
      }
    } catch (IOException e) {
      // Target refused or unreachable: the client sees its connection end, as with Toxiproxy.
      close();
      return;
    }
    onConnected();
  }

  void onConnected() {
    connected = true;
    up.flush();
  }

  /** Sets both keys' interest from the pipes' state. */
  void updateInterest() {
    if (closed) {
      return;
    }
    try {
      int c = 0;
      if (up.wantsRead()) {
        c |= SelectionKey.OP_READ;
      }
      if (down.wantsWrite()) {
        c |= SelectionKey.OP_WRITE;
      }
      int s;
      if (!connected) {
        s = SelectionKey.OP_CONNECT;
      } else {
        s = 0;
        if (down.wantsRead()) {
          s |= SelectionKey.OP_READ;
        }
        if (up.wantsWrite()) {
          s |= SelectionKey.OP_WRITE;
        }
      }
      if (clientKey.interestOps() != c) {
        clientKey.interestOps(c);
      }
      if (serverKey.interestOps() != s) {
        serverKey.interestOps(s);
      }
    } catch (CancelledKeyException e) {
      close();
    }
  }

  /** A pipe delivered its end of stream; once both have, the connection is done. */
  void pipeFinished() {
    if (up.outputShut && down.outputShut) {
      close();
    }
  }

  /** Closes both sockets gracefully (FIN), dropping whatever the toxics still hold. */
  void close() {
    if (closed) {
      return;
    }
    // Unread input would turn the close into a reset (and may destroy data still queued for the
    // peer), so swallow what is already there first.
    drain(client);
    if (connected) {
      drain(server);
    }
    terminate();
  }

  /** Closes both sockets abortively: SO_LINGER 0, so the peers see a TCP RST. */
  void reset() {
    if (closed) {
      return;
    }
    linger0(client);
    if (connected) {
      linger0(server);
    }
    terminate();
  }

  private void terminate() {
    closed = true;
    up.stop();
    down.stop();
    if (clientKey != null) {
      clientKey.cancel();
    }
    if (serverKey != null) {
      serverKey.cancel();
    }
    quietClose(client);
    quietClose(server);
    loop.connectionClosed(this);
  }

  private void drain(SocketChannel ch) {
    ByteBuffer buf = loop.readBuffer;
    try {
      for (int i = 0; i < 16; i++) {
        buf.clear();
        if (ch.read(buf) <= 0) {
          return;
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
  }

  private static void linger0(SocketChannel ch) {
    try {
      ch.setOption(StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException | RuntimeException ignored) {
      // not connected: a plain close is all there is
    }
  }

  private static void quietClose(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  @Override
  public String toString() {
    return "Connection#" + index + (closed ? "[closed]" : connected ? "[open]" : "[connecting]");
  }
}
