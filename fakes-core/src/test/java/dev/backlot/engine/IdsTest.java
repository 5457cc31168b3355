package dev.backlot.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.http.HttpFake;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void sameSeedSameIdsAndRestartBeginsAgain() {
    Ids a = new Ids(7);
    Ids b = new Ids(7);
    List<String> first = List.of(a.uuid(), a.hex(12), a.token(8), String.valueOf(a.next("x")));

    assertThat(List.of(b.uuid(), b.hex(12), b.token(8), String.valueOf(b.next("x")))).isEqualTo(first);
    a.restart();
    assertThat(List.of(a.uuid(), a.hex(12), a.token(8), String.valueOf(a.next("x")))).isEqualTo(first);
    assertThat(new Ids(8).uuid()).isNotEqualTo(first.get(0));
  }

  @Test
  void uuidsAreVersion4AndUnique() {
    Ids ids = new Ids(1);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = ids.uuid();
      UUID u = UUID.fromString(id);
      assertThat(u.version()).isEqualTo(4);
      assertThat(u.variant()).isEqualTo(2);
      assertThat(seen.add(id)).isTrue();
    }
  }

  @Test
  void countersArePerNameAndAlphabetsHold() {
    Ids ids = new Ids(3);
    assertThat(ids.next("show")).isEqualTo(1);
    assertThat(ids.next("show")).isEqualTo(2);
    assertThat(ids.next("vod")).isEqualTo(1);
    assertThat(ids.hex(40)).matches("[0-9a-f]{40}");
    assertThat(ids.token(40)).matches("[a-z0-9]{40}");
    assertThat(ids.nextLong(10)).isBetween(0L, 9L);
  }

  @Test
  void aFakesIdsFollowItsSeedAndRestartOnReset() {
    try (HttpFake one = HttpFake.builder().seed(42).build();
        HttpFake two = HttpFake.builder().seed(42).build()) {
      String first = one.ids().uuid();
      assertThat(two.ids().uuid()).isEqualTo(first);
      one.start();
      one.reset();
      assertThat(one.ids().uuid()).isEqualTo(first);
    }
  }
}
