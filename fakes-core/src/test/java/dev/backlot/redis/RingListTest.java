package dev.backlot.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The ring behind long lists behaves as the ArrayList it replaces, operation for operation. */
class RingListTest {

  @Test
  void seededOperationsMatchAnArrayList() {
    long seed = 20261205L;
    SplittableRandom random = new SplittableRandom(seed);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      expected.add(i);
    }
    List<Integer> ring = new RingList<>(expected);
    for (int step = 0; step < 20_000; step++) {
      int n = expected.size();
      int op = random.nextInt(12);
      int value = random.nextInt(1000);
      String what = "seed " + seed + ", step " + step + ", op " + op;
      switch (op) {
        case 0, 1 -> { // LPUSH / RPUSH
          int at = op == 0 ? 0 : n;
          expected.add(at, value);
          ring.add(at, value);
        }
        case 2 -> { // LINSERT
          int at = random.nextInt(n + 1);
          expected.add(at, value);
          ring.add(at, value);
        }
        case 3, 4 -> { // LPOP / RPOP
          if (n > 0) {
            int at = op == 3 ? 0 : n - 1;
            assertThat(ring.remove(at)).as(what).isEqualTo(expected.remove(at));
          }
        }
        case 5 -> { // LREM of one element
          if (n > 0) {
            int at = random.nextInt(n);
            assertThat(ring.remove(at)).as(what).isEqualTo(expected.remove(at));
          }
        }
        case 6 -> { // LSET
          if (n > 0) {
            int at = random.nextInt(n);
            assertThat(ring.set(at, value)).as(what).isEqualTo(expected.set(at, value));
          }
        }
        case 7 -> { // LTRIM
          if (n > 2) {
            int from = random.nextInt(n / 2);
            int to = from + random.nextInt(n - from);
            expected.subList(to, n).clear();
            ring.subList(to, n).clear();
            expected.subList(0, from).clear();
            ring.subList(0, from).clear();
          }
        }
        case 8 -> { // removal while iterating (LREM count 0)
          Iterator<Integer> a = expected.iterator();
          Iterator<Integer> b = ring.iterator();
          while (a.hasNext()) {
            Integer x = a.next();
            assertThat(b.next()).as(what).isEqualTo(x);
            if (x % 7 == value % 7) {
              a.remove();
              b.remove();
            }
          }
          assertThat(b.hasNext()).as(what).isFalse();
        }
        case 9 -> { // list iterator add and set
          ListIterator<Integer> a = expected.listIterator(n / 2);
          ListIterator<Integer> b = ring.listIterator(n / 2);
          a.add(value);
          b.add(value);
          if (a.hasNext()) {
            assertThat(b.next()).isEqualTo(a.next());
            a.set(-value);
            b.set(-value);
          }
        }
        case 10 -> { // SORT, reverse
          if (value % 2 == 0) {
            expected.sort(null);
            ring.sort(null);
          } else {
            Collections.reverse(expected);
            Collections.reverse(ring);
          }
        }
        default -> { // reads
          if (n > 0) {
            int at = random.nextInt(n);
            assertThat(ring.get(at)).as(what).isEqualTo(expected.get(at));
            assertThat(ring.indexOf(expected.get(at))).as(what).isEqualTo(expected.indexOf(expected.get(at)));
          }
        }
      }
      assertThat(ring.size()).as(what).isEqualTo(expected.size());
      if (step % 500 == 0) {
        assertThat(ring).as(what).containsExactlyElementsOf(expected);
      }
    }
    assertThat(ring).containsExactlyElementsOf(expected);
    assertThat(ring).isEqualTo(expected);
    assertThat(ring.hashCode()).isEqualTo(expected.hashCode());
    ring.clear();
    assertThat(ring).isEmpty();
    ring.add(0, 5);
    assertThat(ring).containsExactly(5);
  }

  @Test
  void indexesOutOfRangeAreRefusedAsByArrayList() {
    List<String> ring = new RingList<>(List.of("a", "b"));
    assertThatThrownBy(() -> ring.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> ring.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> ring.add(3, "x")).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> ring.remove(2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> ring.set(2, "x")).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
