package dev.backlot.cli;

import dev.backlot.engine.Handler;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Request;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * Keeps the admin API out of a web page's reach. A page the developer visits may send requests
 * to 127.0.0.1 (a "simple" cross-origin POST needs no preflight), and a rebound DNS name may
 * point at it; either could plant stubs or faults. So every admin request must:
 *
 * <ul>
 *   <li>name a loopback host in {@code Host} (localhost, 127.0.0.0/8, [::1]) — else 403;
 *   <li>come from no {@code Origin}, or a loopback one — else 403;
 *   <li>send a body, when it has one, as {@code application/json} (no form or text/plain
 *       posts) — else 415;
 *   <li>carry {@code Authorization: Bearer TOKEN} when the launcher runs with {@code
 *       --admin-token} — else 401.
 * </ul>
 */
final class AdminGuard {

  private final byte[] token;

  /** @param token the required bearer token, or null for none */
  AdminGuard(String token) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code handler}, answered only for requests that pass every check above. */
  Handler guard(Handler handler) {
    return req -> {
      check(req);
      return handler.handle(req);
    };
  }

  void check(Request req) {
    checkWithoutToken(req);
    if (token != null) {
      String auth = req.header("Authorization");
      byte[] given = auth != null && auth.startsWith("Bearer ")
          ? auth.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
      if (!MessageDigest.isEqual(given, token)) {
        throw new HttpError(401, "admin needs the launcher's --admin-token as 'Authorization: Bearer TOKEN'");
      }
    }
  }

  /**
   * Every check but the token: for the dashboard's static files (HTML, JS, CSS), which a browser
   * loads by navigation, without the token header; they hold no data, and every call the page
   * then makes passes {@link #check}.
   */
  void checkWithoutToken(Request req) {
    String host = req.header("Host");
    if (host == null || !isLoopback(hostOf(host))) {
      throw new HttpError(403, "admin answers only requests addressed to a loopback host, not " + host);
    }
    String origin = req.header("Origin");
    if (origin != null && !isLoopbackOrigin(origin)) {
      throw new HttpError(403, "admin refuses cross-origin requests (Origin: " + origin + ")");
    }
    if (req.body().length > 0 || req.header("Content-Type") != null) {
      String type = req.header("Content-Type");
      if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
        throw new HttpError(415, "admin takes request bodies as application/json only, not " + type);
      }
    }
  }

  private static String hostOf(String hostHeader) {
    String h = hostHeader.trim();
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.lastIndexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  private static boolean isLoopbackOrigin(String origin) {
    try {
      URI u = new URI(origin);
      String scheme = u.getScheme();
      return ("http".equals(scheme) || "https".equals(scheme)) && u.getHost() != null
          && isLoopback(u.getHost());
    } catch (Exception e) {
      return false; // "null" and anything unparsable
    }
  }

  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.equals("[::1]") || h.equals("::1")) {
      return true;
    }
    String[] parts = h.split("\\.", -1);
    if (parts.length != 4 || !parts[0].equals("127")) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }
}
