package dev.backlot.net;

import java.util.ArrayList;

/**
 * Adds, removes and re-targets a link's toxics while connections are open: each change runs on
 * the link thread and is applied to every open connection's pipes at once.
 */
final class ToxicWiring {

  private ToxicWiring() {}

  static <T extends Toxic> T add(NetworkLink link, T toxic) {
    link.call(
        () -> {
          for (Toxic t : link.toxicList()) {
            if (t.name().equals(toxic.name())) {
              throw new IllegalArgumentException(
                  "this link already has a toxic named '" + toxic.name()
                      + "': remove it first, or add this one with toxics().named(...)");
            }
          }
          link.toxicList().add(toxic);
          for (Connection c : new ArrayList<>(link.connections())) {
            if (!c.closed && toxic.appliesTo(c.index)) {
              c.pipe(toxic.direction()).attach(toxic);
            }
          }
          return null;
        });
    return toxic;
  }

  static boolean remove(NetworkLink link, Toxic toxic) {
    if (link.isTerminated() || toxic.removed) {
      return false;
    }
    try {
      return link.call(
          () -> {
            if (!link.toxicList().remove(toxic)) {
              return false;
            }
            toxic.removed = true;
            for (Connection c : new ArrayList<>(link.connections())) {
              if (!c.closed) {
                c.pipe(toxic.direction()).detach(toxic);
              }
            }
            return true;
          });
    } catch (IllegalStateException closed) {
      return false;
    }
  }

  static void rewire(NetworkLink link, Toxic toxic) {
    if (toxic.removed || link.isTerminated()) {
      return;
    }
    link.call(
        () -> {
          if (!link.toxicList().contains(toxic)) {
            return null;
          }
          for (Connection c : new ArrayList<>(link.connections())) {
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
          return null;
        });
  }
}
