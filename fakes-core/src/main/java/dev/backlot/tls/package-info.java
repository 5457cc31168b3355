/**
 * Test TLS for HTTP fakes: {@link dev.backlot.tls.TlsCertificates} makes a CA and a server
 * certificate (127.0.0.1, localhost, ::1) with the JDK alone and hands clients the trust side
 * (SSLContext, trust manager, trust store, CA PEM). Fakes built with {@code .https()} serve it,
 * with HTTP/2 offered through ALPN. Differs from a real deployment: the CA key lives in the test
 * JVM and is made fresh per JVM; there is no revocation, OCSP or client authentication.
 */
package dev.backlot.tls;
