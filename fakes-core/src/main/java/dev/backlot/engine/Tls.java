package dev.backlot.engine;

import dev.backlot.tls.TlsCertificates;
import io.undertow.connector.ByteBufferPool;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.AlpnOpenListener;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.http2.Http2OpenListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.xnio.ChannelListener;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/** The TLS side of {@link FakeServer}'s listener: the SSL accept channel and ALPN for HTTP/2. */
final class Tls {

  private Tls() {}

  /** HTTP/2 where the client offers "h2" through ALPN, else the HTTP/1.1 listener. */
  static ChannelListener<StreamConnection> alpn(
      ByteBufferPool buffers, OptionMap options, HttpOpenListener http1, HttpHandler root) {
    AlpnOpenListener alpn = new AlpnOpenListener(buffers, options, http1);
    Http2OpenListener h2 = new Http2OpenListener(buffers, options);
    h2.setRootHandler(root);
    alpn.addProtocol(Http2OpenListener.HTTP2, h2, 10);
    return alpn;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static AcceptingChannel<? extends StreamConnection> server(
      XnioWorker worker,
      TlsCertificates certs,
      InetSocketAddress address,
      ChannelListener<? extends AcceptingChannel<? extends StreamConnection>> accept,
      OptionMap socket)
      throws IOException {
    UndertowXnioSsl ssl = new UndertowXnioSsl(
        worker.getXnio(), OptionMap.create(Options.USE_DIRECT_BUFFERS, true), certs.serverContext());
    return ssl.createSslConnectionServer(worker, address, (ChannelListener) accept, socket);
  }
}
