package dev.backlot.tls;

import static dev.backlot.tls.Der.bits;
import static dev.backlot.tls.Der.bool;
import static dev.backlot.tls.Der.integer;
import static dev.backlot.tls.Der.octets;
import static dev.backlot.tls.Der.oid;
import static dev.backlot.tls.Der.seq;
import static dev.backlot.tls.Der.set;
import static dev.backlot.tls.Der.tagged;
import static dev.backlot.tls.Der.time;
import static dev.backlot.tls.Der.utf8;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A test certificate authority and a server certificate it signed, in the style of OkHttp's
 * {@code HeldCertificate}: HTTP fakes built with {@code .https()} serve the server certificate,
 * and the test hands its client the trust side ({@link #sslContext()}, {@link #trustManager()},
 * {@link #trustStore()}, or {@link #caPem()} for clients outside the JVM).
 *
 * <p>The {@linkplain #shared() shared} instance is made once per JVM, so every TLS fake of a test
 * run is trusted by one client configuration. Keys are EC P-256, generated with the JDK alone
 * (no BouncyCastle); the server certificate names {@code 127.0.0.1}, {@code localhost} and
 * {@code ::1}, and is valid from an hour ago for ten years.
 *
 * <pre>{@code
 * HttpFake api = HttpFake.builder().https().start();      // https://127.0.0.1:PORT
 * TlsCertificates tls = api.tls();
 * OkHttpClient ok = new OkHttpClient.Builder()
 *     .sslSocketFactory(tls.sslContext().getSocketFactory(), tls.trustManager()).build();
 * HttpClient jdk = HttpClient.newBuilder().sslContext(tls.sslContext()).build();
 * tls.writeCaPem(Path.of("target/backlot-ca.pem"));     // for curl --cacert, NODE_EXTRA_CA_CERTS
 * }</pre>
 *
 * Never use these certificates outside tests: the CA's key lives in the JVM's memory.
 */
public final class TlsCertificates {

  private static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";
  private static final String ECDSA_SHA256 = "1.2.840.10045.4.3.2";
  private static final String COMMON_NAME = "2.5.4.3";
  private static final String ORGANIZATION = "2.5.4.10";
  private static final char[] PASSWORD = "backlot".toCharArray();
  private static volatile TlsCertificates shared;

  private final X509Certificate ca;
  private final X509Certificate server;
  private final PrivateKey serverKey;
  private final List<String> hosts;
  private volatile SSLContext clientContext;
  private volatile SSLContext serverContext;

  private TlsCertificates(X509Certificate ca, X509Certificate server, PrivateKey serverKey,
      List<String> hosts) {
    this.ca = ca;
    this.server = server;
    this.serverKey = serverKey;
    this.hosts = List.copyOf(hosts);
  }

  /** The JVM's shared CA and server certificate (127.0.0.1, localhost, ::1), made on first use. */
  public static TlsCertificates shared() {
    TlsCertificates s = shared;
    if (s == null) {
      synchronized (TlsCertificates.class) {
        s = shared;
        if (s == null) {
          s = generate("127.0.0.1", "localhost", "::1");
          shared = s;
        }
      }
    }
    return s;
  }

  /**
   * A new CA and a server certificate for {@code hosts} (IP addresses or DNS names); most tests
   * want {@link #shared()} instead.
   */
  public static TlsCertificates generate(String... hosts) {
    if (hosts.length == 0) {
      throw new IllegalArgumentException("a server certificate needs at least one host name");
    }
    try {
      SecureRandom random = new SecureRandom();
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair caKeys = gen.generateKeyPair();
      KeyPair serverKeys = gen.generateKeyPair();
      String tag = Long.toHexString(random.nextLong() & Long.MAX_VALUE);
      byte[] caName = name("Backlot test CA " + tag);
      byte[] caCert = sign(caName, caName, caKeys.getPublic().getEncoded(), caKeys.getPrivate(),
          random, Der.tagged(3, true, seq(
              extension("2.5.29.19", true, seq(bool(true))),                   // basicConstraints CA
              extension("2.5.29.15", true, bits(1, new byte[] {0x06})))));    // keyCertSign, cRLSign
      List<byte[]> names = new ArrayList<>();
      for (String h : hosts) {
        names.add(isIp(h)
            ? tagged(7, false, InetAddress.getByName(h).getAddress())
            : tagged(2, false, h.getBytes(StandardCharsets.US_ASCII)));
      }
      byte[] serverCert = sign(caName, name(hosts[0]), serverKeys.getPublic().getEncoded(),
          caKeys.getPrivate(), random, Der.tagged(3, true, seq(
              extension("2.5.29.19", true, seq()),                             // not a CA
              extension("2.5.29.15", true, bits(7, new byte[] {(byte) 0x80})), // digitalSignature
              extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))),   // serverAuth
              extension("2.5.29.17", false, seq(names.toArray(byte[][]::new)))))); // SAN
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      X509Certificate ca = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(caCert));
      X509Certificate server =
          (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(serverCert));
      server.verify(ca.getPublicKey());
      return new TlsCertificates(ca, server, serverKeys.getPrivate(), List.of(hosts));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not generate test certificates: " + e, e);
    }
  }

  private static boolean isIp(String h) {
    return h.contains(":") || h.matches("[0-9.]+");
  }

  private static byte[] name(String cn) {
    return seq(set(seq(oid(ORGANIZATION), utf8("Backlot"))), set(seq(oid(COMMON_NAME), utf8(cn))));
  }

  private static byte[] extension(String id, boolean critical, byte[] value) {
    return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
  }

  private static byte[] sign(byte[] issuer, byte[] subject, byte[] publicKeyInfo, PrivateKey key,
      SecureRandom random, byte[] extensions) throws GeneralSecurityException {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).withNano(0);
    byte[] algorithm = seq(oid(ECDSA_SHA256));
    byte[] tbs = seq(
        tagged(0, true, integer(BigInteger.TWO)),                 // v3
        integer(new BigInteger(64, random).setBit(64)),           // positive, 9 bytes
        algorithm,
        issuer,
        seq(time(now.minusHours(1)), time(now.plusYears(10))),
        subject,
        publicKeyInfo,
        extensions);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key, random);
    s.update(tbs);
    return seq(tbs, algorithm, bits(0, s.sign()));
  }

  // ---------------------------------------------------------------- trust side (for clients)

  /** The CA certificate every client trusts. */
  public X509Certificate caCertificate() {
    return ca;
  }

  /** The server certificate fakes serve (signed by the CA). */
  public X509Certificate serverCertificate() {
    return server;
  }

  /** The names the server certificate is valid for. */
  public List<String> hosts() {
    return hosts;
  }

  /** A client {@link SSLContext} that trusts the CA (and nothing else). */
  public SSLContext sslContext() {
    SSLContext c = clientContext;
    if (c == null) {
      try {
        c = SSLContext.getInstance("TLS");
        c.init(null, new javax.net.ssl.TrustManager[] {trustManager()}, null);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      clientContext = c;
    }
    return c;
  }

  /** {@code sslContext().getSocketFactory()}, for clients that take a socket factory. */
  public SSLSocketFactory socketFactory() {
    return sslContext().getSocketFactory();
  }

  /** A trust manager that trusts the CA (OkHttp's {@code sslSocketFactory(factory, tm)}). */
  public X509TrustManager trustManager() {
    try {
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(trustStore());
      for (javax.net.ssl.TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("no X509TrustManager in " + f.getAlgorithm());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An in-memory PKCS12 key store holding the CA as a trusted certificate (alias {@code
   * backlot-ca}), e.g. for {@code NetHttpTransport.Builder().trustCertificates(store)}.
   */
  public KeyStore trustStore() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("backlot-ca", ca);
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CA certificate in PEM, for clients outside the JVM ({@code curl --cacert}, Node...). */
  public String caPem() {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(ca.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@link #caPem()} to {@code file} (parent directories created); returns the file. */
  public Path writeCaPem(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, caPem());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the CA certificate to " + file, e);
    }
  }

  // ---------------------------------------------------------------- server side

  /** The server's {@link SSLContext}: the server certificate, its key and the CA as its chain. */
  public SSLContext serverContext() {
    SSLContext c = serverContext;
    if (c == null) {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", serverKey, PASSWORD, new java.security.cert.Certificate[] {server, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), null, null);
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(e);
      }
      serverContext = c;
    }
    return c;
  }

  @Override
  public String toString() {
    return "TlsCertificates[CA " + ca.getSubjectX500Principal().getName() + ", server " + hosts + "]";
  }
}
