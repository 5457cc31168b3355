package dev.backlot.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads signer keys from the launcher's settings: PEM public keys, certificates, PKCS#8 keys. */
final class SignerKeys {

  /** A service account: its email and the public key its signatures verify with. */
  record Account(String email, PublicKey key) {}

  private SignerKeys() {}

  /**
   * The RSA public key in {@code pem}: {@code BEGIN PUBLIC KEY}, {@code BEGIN CERTIFICATE}, or
   * {@code BEGIN PRIVATE KEY} (PKCS#8, as in a service-account JSON), whose public half is taken.
   * Anything else is an {@link IllegalArgumentException} saying what was expected.
   */
  static PublicKey publicKey(String pem) {
    String text = pem == null ? "" : pem.replace("\\n", "\n").trim();
    try {
      if (text.contains("BEGIN CERTIFICATE")) {
        return CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
            .getPublicKey();
      }
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      if (text.contains("BEGIN PRIVATE KEY")) {
        if (!(rsa.generatePrivate(new PKCS8EncodedKeySpec(der(text))) instanceof RSAPrivateCrtKey k)) {
          throw new IllegalArgumentException("the private key has no public half");
        }
        return rsa.generatePublic(new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent()));
      }
      return rsa.generatePublic(new X509EncodedKeySpec(der(text)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not an RSA public key, certificate or PKCS#8 private key"
          + " in PEM form: " + e.getMessage(), e);
    }
  }

  /** The {@code client_email} and the public half of {@code private_key} of a key file. */
  static Account fromKeyFile(String path) {
    JsonNode json;
    try {
      json = Json.parse(Files.readAllBytes(Path.of(path)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the service-account key file " + path, e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a JSON service-account key file: " + path, e);
    }
    String email = json.path("client_email").asText("");
    String key = json.path("private_key").asText("");
    if (email.isEmpty() || key.isEmpty()) {
      throw new IllegalArgumentException(path + " has no client_email and private_key");
    }
    return new Account(email, publicKey(key));
  }

  private static byte[] der(String pem) {
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }
}
