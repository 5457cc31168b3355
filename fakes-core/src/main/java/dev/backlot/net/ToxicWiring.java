package dev.backlot.net;

import java.util.ArrayList;

/**
 * Adds, removes and re-targets a link's toxics while connections are open: the link's toxic list
 * changes first (a connection opened from then on reads it), then each link thread applies the
 * change to its open connections' pipes; the call returns once every thread has.
 */
final class ToxicWiring {

  private ToxicWiring() {}

  static <T extends Toxic> T add(NetworkLink link, T toxic) {
    synchronized (link.control()) {
      if (link.isClosed()) {
        throw new IllegalStateException("this link is closed: " + link);
      }
      for (Toxic t : link.toxicList()) {
        if (t.name().equals(toxic.name())) {
          throw new IllegalArgumentException(
              "this link already has a toxic named '" + toxic.name()
                  + "': remove it first, or add this one with toxics().named(...)");
        }
      }
      link.toxicList().add(toxic);
      link.onEveryLoop(
          loop -> {
            for (Connection c : new ArrayList<>(loop.connections())) {
              Pipe p = c.pipe(toxic.direction());
              // a connection opened after the list changed attached it already
              if (!c.closed && toxic.appliesTo(c.index) && !p.has(toxic)) {
                p.attach(toxic);
              }
            }
          });
    }
    return toxic;
  }

  static boolean remove(NetworkLink link, Toxic toxic) {
    synchronized (link.control()) {
      if (link.isTerminated() || toxic.removed) {
        return false;
      }
      if (!link.toxicList().remove(toxic)) {
        return false;
      }
      toxic.removed = true;
      try {
        link.onEveryLoop(
            loop -> {
              for (Connection c : new ArrayList<>(loop.connections())) {
                if (!c.closed) {
                  c.pipe(toxic.direction()).detach(toxic);
                }
              }
            });
      } catch (IllegalStateException closed) {
        return false;
      }
      return true;
    }
  }

  static void rewire(NetworkLink link, Toxic toxic) {
    synchronized (link.control()) {
      if (toxic.removed || link.isTerminated()) {
        return;
      }
      if (!link.toxicList().contains(toxic)) {
        return;
      }
      link.onEveryLoop(
          loop -> {
            for (Connection c : new ArrayList<>(loop.connections())) {
              if (c.closed) {
                continue;
              }
              Pipe p = c.pipe(toxic.direction());
              boolean applies = toxic.appliesTo(c.index);
              if (applies && !p.has(toxic)) {
                p.attach(toxic);
              } else if (!applies && p.has(toxic)) {
                p.detach(toxic);
              }
            }
          });
    }
  }
}
