package dev.backlot.cablecast;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Date-times as the fake writes and reads them: written with the station's offset to the second
 * ({@code 2026-12-04T18:00:00+00:00}); read from an ISO date-time with an offset ({@code Z},
 * {@code +02:00}, fractions allowed, as JavaScript's {@code toISOString()} sends), a local one
 * (in the station's zone) or a bare date (its midnight in the station's zone).
 */
final class Dates {

  private static final DateTimeFormatter OUT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");

  private final ZoneId zone;

  Dates(ZoneId zone) {
    this.zone = zone;
  }

  ZoneId zone() {
    return zone;
  }

  String format(Instant t) {
    return OUT.format(t.truncatedTo(ChronoUnit.SECONDS).atZone(zone).toOffsetDateTime());
  }

  /** The instant {@code text} names, or null if it is not a date or date-time. */
  Instant parse(String text) {
    if (text == null) {
      return null;
    }
    String s = text.trim();
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeException e) {
      // not with an offset
    }
    try {
      return LocalDateTime.parse(s).atZone(zone).toInstant();
    } catch (DateTimeException e) {
      // not a local date-time
    }
    try {
      return LocalDate.parse(s).atStartOfDay(zone).toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** Midnight of the day {@code t} falls on, in the station's zone. */
  Instant startOfDay(Instant t) {
    return t.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
  }
}
