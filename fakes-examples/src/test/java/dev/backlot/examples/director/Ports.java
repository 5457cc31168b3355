package dev.backlot.examples.director;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Test helpers about ports. */
final class Ports {
  private Ports() {}

  /** A loopback port nothing listens on (it was free a moment ago): connections are refused. */
  static int refused() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
