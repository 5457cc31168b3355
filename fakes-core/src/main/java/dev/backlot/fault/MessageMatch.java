package dev.backlot.fault;

import java.util.function.Predicate;

/** Which messages a stream rule looks at: direction, type, text or binary, a predicate. */
final class MessageMatch {

  Boolean outgoing; // null: both directions
  String type;
  Boolean binary; // null: both
  Predicate<String> test;
  final StringBuilder text = new StringBuilder();

  boolean matches(Message m) {
    if (outgoing != null && outgoing != m.outgoing) {
      return false;
    }
    if (binary != null && binary != m.binary) {
      return false;
    }
    if (type != null && !type.equals(m.event) && !type.equals(m.jsonType())) {
      return false;
    }
    return test == null || (m.text != null && test.test(m.text));
  }
}
