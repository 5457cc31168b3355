package dev.backlot.redis;

/**
 * Redis 7.0's glob matcher (stringmatchlen, with the fix for CVE-2022-36021): once the rest of a
 * pattern after a {@code *} matched nowhere in the rest of the string, earlier stars do not retry
 * longer matches, so {@code *a*a*a*a*a*a*a*a*a*a*a*a*b} against 40 {@code a}s answers at once
 * (jedis-mock's regular expressions backtrack for minutes). {@code * ? [abc] [^a-z] \x}; bytes
 * compared as C's signed chars, as in Redis.
 */
final class Glob {

  private final byte[] p;
  private final byte[] s;
  private final boolean nocase;
  private boolean skipLonger;

  private Glob(byte[] pattern, byte[] string, boolean nocase) {
    this.p = pattern;
    this.s = string;
    this.nocase = nocase;
  }

  static boolean matches(byte[] pattern, byte[] string) {
    return new Glob(pattern, string, false).match(0, pattern.length, 0, string.length);
  }

  private int pat(int i) {
    return i < p.length ? p[i] : 0;
  }

  private int str(int i) {
    return i < s.length ? s[i] : 0;
  }

  private static int lower(int c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  }

  private boolean match(int pi, int plen, int si, int slen) {
    while (plen > 0 && slen > 0) {
      switch (pat(pi)) {
        case '*' -> {
          while (plen > 0 && pat(pi + 1) == '*') {
            pi++;
            plen--;
          }
          if (plen == 1) {
            return true;
          }
          while (slen > 0) {
            if (match(pi + 1, plen - 1, si, slen)) {
              return true;
            }
            if (skipLonger) {
              return false;
            }
            si++;
            slen--;
          }
          skipLonger = true;
          return false;
        }
        case '?' -> {
          si++;
          slen--;
        }
        case '[' -> {
          pi++;
          plen--;
          boolean not = pat(pi) == '^';
          if (not) {
            pi++;
            plen--;
          }
          boolean match = false;
          while (true) {
            if (pat(pi) == '\\' && plen >= 2) {
              pi++;
              plen--;
              if (pat(pi) == str(si)) {
                match = true;
              }
            } else if (pat(pi) == ']') {
              break;
            } else if (plen == 0) {
              pi--;
              plen++;
              break;
            } else if (plen >= 3 && pat(pi + 1) == '-') {
              int start = pat(pi);
              int end = pat(pi + 2);
              int c = str(si);
              if (start > end) {
                int t = start;
                start = end;
                end = t;
              }
              if (nocase) {
                start = lower(start);
                end = lower(end);
                c = lower(c);
              }
              pi += 2;
              plen -= 2;
              if (c >= start && c <= end) {
                match = true;
              }
            } else if (nocase ? lower(pat(pi)) == lower(str(si)) : pat(pi) == str(si)) {
              match = true;
            }
            pi++;
            plen--;
          }
          if (not) {
            match = !match;
          }
          if (!match) {
            return false;
          }
          si++;
          slen--;
        }
        default -> {
          if (pat(pi) == '\\' && plen >= 2) {
            pi++;
            plen--;
          }
          if (nocase ? lower(pat(pi)) != lower(str(si)) : pat(pi) != str(si)) {
            return false;
          }
          si++;
          slen--;
        }
      }
      pi++;
      plen--;
      if (slen == 0) {
        while (pat(pi) == '*' && plen > 0) {
          pi++;
          plen--;
        }
        break;
      }
    }
    return plen == 0 && slen == 0;
  }
}
