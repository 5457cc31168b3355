package dev.backlot.redis;

import com.github.fppt.jedismock.datastructures.RMHash;
import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.operations.RedisOperation;
import com.github.fppt.jedismock.server.Response;
import com.github.fppt.jedismock.storage.OperationExecutorState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * HRANDFIELD key [count [WITHVALUES]] (jedis-mock lacks it), with Redis 7.0's replies and errors.
 * The choice is seeded by the key and the fake's clock, so a run replays.
 */
final class HRandField {

  private HRandField() {}

  static RedisOperation op(OperationExecutorState state, List<Slice> params) {
    List<Slice> args = List.copyOf(params);
    return () -> {
      Slice key = args.get(0);
      Long count = null;
      boolean withValues = false;
      if (args.size() >= 2) {
        count = RespReader.parseLong(args.get(1).data());
        if (count == null) {
          return Response.error(AddedOp.NOT_INTEGER);
        }
        if (args.size() == 3 && args.get(2).toString().equalsIgnoreCase("withvalues")) {
          withValues = true;
        } else if (args.size() >= 3) {
          return Response.error(AddedOp.SYNTAX);
        }
        if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
          return Response.error("ERR value is out of range");
        }
      }
      RMHash hash = state.base().getHash(key); // WRONGTYPE for another type
      Map<Slice, Slice> fields = hash == null ? Map.of() : state.base().getFieldsAndValuesReadOnly(key);
      List<Map.Entry<Slice, Slice>> entries = new ArrayList<>(fields.entrySet());
      SplittableRandom random = new SplittableRandom(key.hashCode() * 31L
          + state.getClock().millis());
      if (count == null) {
        if (entries.isEmpty()) {
          return Response.NULL;
        }
        return Response.bulkString(entries.get(random.nextInt(entries.size())).getKey());
      }
      List<Slice> out = new ArrayList<>();
      if (entries.isEmpty() || count == 0) {
        return Response.array(out);
      }
      List<Map.Entry<Slice, Slice>> chosen = new ArrayList<>();
      if (count < 0) {
        for (long i = 0; i < -count; i++) {
          chosen.add(entries.get(random.nextInt(entries.size())));
        }
      } else {
        List<Map.Entry<Slice, Slice>> pool = new ArrayList<>(entries);
        for (long i = 0; i < count && !pool.isEmpty(); i++) {
          chosen.add(pool.remove(random.nextInt(pool.size())));
        }
      }
      for (Map.Entry<Slice, Slice> e : chosen) {
        out.add(Response.bulkString(e.getKey()));
        if (withValues) {
          out.add(Response.bulkString(e.getValue()));
        }
      }
      return Response.array(out);
    };
  }
}
