package dev.backlot.redis;

import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.datastructures.streams.RMStream;
import com.github.fppt.jedismock.datastructures.streams.SequencedMap;
import com.github.fppt.jedismock.datastructures.streams.SequencedMapIterator;
import com.github.fppt.jedismock.datastructures.streams.StreamId;
import com.github.fppt.jedismock.exception.WrongStreamKeyException;
import com.github.fppt.jedismock.server.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Consumer groups for jedis-mock's streams, which has none: the groups of a stream live beside it,
 * keyed by the stream object itself (weakly), so they follow it through RENAME and vanish with it
 * on DEL, expiry or FLUSHALL, as in Redis. Every access holds the server's data lock.
 */
final class StreamGroups {

  static final String INVALID_ID = "ERR Invalid stream ID specified as stream command argument";
  static final StreamId MAX = new StreamId(-1L, -1L);
  static final StreamId MIN = new StreamId(0, 0);

  /** Names sort as Redis's radix trees do: by unsigned bytes. */
  static final Comparator<String> BYTEWISE = (a, b) -> Arrays.compareUnsigned(
      a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private final Map<RMStream, Map<String, Group>> byStream = new WeakHashMap<>();

  /** The groups of {@code stream}, created empty on demand. */
  Map<String, Group> of(RMStream stream) {
    return byStream.computeIfAbsent(stream, s -> new TreeMap<>(BYTEWISE));
  }

  /** The group, or null. */
  Group find(RMStream stream, String name) {
    Map<String, Group> groups = byStream.get(stream);
    return groups == null ? null : groups.get(name);
  }

  void clear() {
    byStream.clear();
  }

  /** One pending entry: delivered to a consumer, not yet acknowledged. */
  static final class Nack {
    Consumer consumer;
    long deliveryTime;
    long deliveryCount;

    Nack(Consumer consumer, long deliveryTime, long deliveryCount) {
      this.consumer = consumer;
      this.deliveryTime = deliveryTime;
      this.deliveryCount = deliveryCount;
    }
  }

  static final class Consumer {
    final String name;
    final TreeMap<StreamId, Nack> pel = new TreeMap<>();
    long seenTime;

    Consumer(String name, long seenTime) {
      this.name = name;
      this.seenTime = seenTime;
    }
  }

  static final class Group {
    final String name;
    StreamId lastId;
    final TreeMap<StreamId, Nack> pel = new TreeMap<>();
    final TreeMap<String, Consumer> consumers = new TreeMap<>(BYTEWISE);

    Group(String name, StreamId lastId) {
      this.name = name;
      this.lastId = lastId;
    }

    Consumer consumer(String name, long now) {
      Consumer c = consumers.computeIfAbsent(name, n -> new Consumer(n, now));
      c.seenTime = now;
      return c;
    }

    /** Gives the pending entry {@code id} to {@code to}, taking it from its previous owner. */
    void assign(StreamId id, Nack nack, Consumer to) {
      if (nack.consumer != to) {
        if (nack.consumer != null) {
          nack.consumer.pel.remove(id);
        }
        nack.consumer = to;
        to.pel.put(id, nack);
      }
    }

    void forget(StreamId id) {
      Nack n = pel.remove(id);
      if (n != null && n.consumer != null) {
        n.consumer.pel.remove(id);
      }
    }
  }

  // ------------------------------------------------------------------ IDs

  private static final Pattern ID = Pattern.compile("(\\d+)(?:-(\\d+))?");

  /** A full or ms-only ID ({@code 5} is {@code 5-0}, or {@code 5-<max>} as a range end). */
  static StreamId parse(String s, boolean end) {
    Matcher m = ID.matcher(s);
    if (!m.matches()) {
      throw new AddedOp.CommandError(INVALID_ID);
    }
    try {
      long ms = Long.parseUnsignedLong(m.group(1));
      long seq = m.group(2) == null ? (end ? -1L : 0L) : Long.parseUnsignedLong(m.group(2));
      return new StreamId(ms, seq);
    } catch (NumberFormatException e) {
      throw new AddedOp.CommandError(INVALID_ID);
    }
  }

  /** An ID where Redis wants a strict one (no {@code -}, {@code +} or {@code (}). */
  static StreamId strict(String s) {
    return parse(s, false);
  }

  /** A range bound: {@code -}, {@code +}, {@code (id} for exclusive, or an ID. */
  static StreamId interval(String s, boolean end) {
    if (s.equals("-")) {
      return MIN;
    }
    if (s.equals("+")) {
      return MAX;
    }
    if (s.startsWith("(")) {
      StreamId id = parse(s.substring(1), end);
      try {
        return end ? id.decrement() : id.increment();
      } catch (WrongStreamKeyException e) {
        throw new AddedOp.CommandError("ERR invalid " + (end ? "end" : "start") + " ID for the interval");
      }
    }
    return parse(s, end);
  }

  static StreamId next(StreamId id) {
    try {
      return id.increment();
    } catch (WrongStreamKeyException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------ entries

  /**
   * The entry {@code id} of {@code stream}, or null. (jedis-mock's MAXLEN trimming unlinks
   * entries from the head but leaves them findable, so IDs before the head do not count.)
   */
  static SequencedMap<Slice, Slice> entry(RMStream stream, StreamId id) {
    SequencedMap<StreamId, SequencedMap<Slice, Slice>> map = stream.getStoredData();
    StreamId head = map.getHead();
    if (head == null || id.compareTo(head) < 0) {
      return null;
    }
    return map.get(id);
  }

  /** Entries with IDs at or after {@code from}, oldest first, at most {@code count} (0 = all). */
  static List<Map.Entry<StreamId, SequencedMap<Slice, Slice>>> range(
      RMStream stream, StreamId from, long count) {
    List<Map.Entry<StreamId, SequencedMap<Slice, Slice>>> out = new ArrayList<>();
    SequencedMap<StreamId, SequencedMap<Slice, Slice>> map = stream.getStoredData();
    StreamId tail = map.getTail();
    if (from == null || tail == null || tail.compareTo(from) < 0) {
      return out;
    }
    SequencedMapIterator<StreamId, SequencedMap<Slice, Slice>> it = map.iterator(from);
    while (it.hasNext() && (count <= 0 || out.size() < count)) {
      var e = it.next();
      if (e.getKey().compareTo(from) >= 0) {
        out.add(e);
      }
    }
    return out;
  }

  /** {@code [id, [field, value, ...]]}, or {@code [id, nil]} for a deleted entry. */
  static Slice reply(StreamId id, SequencedMap<Slice, Slice> fields) {
    if (fields == null) {
      return Response.array(Response.bulkString(id.toSlice()), Response.NULL_ARRAY);
    }
    List<Slice> fv = new ArrayList<>();
    fields.forEach((k, v) -> {
      fv.add(Response.bulkString(k));
      fv.add(Response.bulkString(v));
    });
    return Response.array(Response.bulkString(id.toSlice()), Response.array(fv));
  }

  static Slice bulk(String s) {
    return Response.bulkString(Slice.create(s));
  }
}
