package dev.backlot.redis;

import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.datastructures.streams.RMStream;
import com.github.fppt.jedismock.datastructures.streams.SequencedMap;
import com.github.fppt.jedismock.datastructures.streams.StreamId;
import com.github.fppt.jedismock.server.Response;
import com.github.fppt.jedismock.storage.BlockingManager;
import com.github.fppt.jedismock.storage.OperationExecutorState;
import dev.backlot.redis.StreamGroups.Consumer;
import dev.backlot.redis.StreamGroups.Group;
import dev.backlot.redis.StreamGroups.Nack;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stream consumer-group commands jedis-mock lacks, with Redis 7.0's replies and error texts:
 * XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER), XREADGROUP (with BLOCK and
 * NOACK), XACK, XPENDING (summary and extended, with IDLE), XCLAIM (IDLE, TIME, RETRYCOUNT,
 * FORCE, JUSTID, LASTID) and XAUTOCLAIM (COUNT, JUSTID; Redis 7's three-element reply). Idle
 * times are measured on the fake's clock.
 */
final class StreamCommands {

  private StreamCommands() {}

  static String noGroup(String key, String group) {
    return "NOGROUP No such key '" + key + "' or consumer group '" + group + "'";
  }

  // ================================================================== XGROUP

  static final class XGroup extends AddedOp {
    private final StreamGroups groups;

    XGroup(OperationExecutorState state, List<Slice> params, StreamGroups groups) {
      super(state, params);
      this.groups = groups;
    }

    /** The arity error Redis gives before queueing, or null. */
    static String arityError(List<Slice> params) {
      if (params.isEmpty()) {
        return "ERR wrong number of arguments for 'xgroup' command";
      }
      String sub = params.get(0).toString();
      int n = params.size();
      boolean ok;
      switch (sub.toLowerCase(java.util.Locale.ROOT)) {
        case "create", "setid" -> ok = n >= 4;
        case "destroy" -> ok = n == 3;
        case "createconsumer", "delconsumer" -> ok = n == 4;
        case "help" -> ok = n == 1;
        default -> {
          return "ERR unknown subcommand '" + sub + "'. Try XGROUP HELP.";
        }
      }
      return ok ? null : "ERR wrong number of arguments for 'xgroup|"
          + sub.toLowerCase(java.util.Locale.ROOT) + "' command";
    }

    @Override
    Slice run() {
      String opt = str(0);
      String sub = opt.toLowerCase(java.util.Locale.ROOT);
      if (sub.equals("help")) {
        return Response.array(
            StreamGroups.bulk("XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
            StreamGroups.bulk("CREATE <key> <groupname> <id|$> [option]"),
            StreamGroups.bulk("CREATECONSUMER <key> <groupname> <consumer>"),
            StreamGroups.bulk("DELCONSUMER <key> <groupname> <consumername>"),
            StreamGroups.bulk("DESTROY <key> <groupname>"),
            StreamGroups.bulk("SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]"),
            StreamGroups.bulk("HELP"));
      }
      boolean create = sub.equals("create");
      boolean setid = sub.equals("setid");
      boolean mkstream = false;
      for (int i = 4; i < params.size(); ) {
        String o = str(i);
        if (create && o.equalsIgnoreCase("MKSTREAM")) {
          mkstream = true;
          i++;
        } else if ((create || setid) && o.equalsIgnoreCase("ENTRIESREAD") && i + 1 < params.size()) {
          long n = parseLong(str(i + 1), NOT_INTEGER);
          if (n < 0 && n != -1) {
            throw new CommandError("ERR value for ENTRIESREAD must be positive or -1");
          }
          i += 2;
        } else {
          throw new CommandError("ERR unknown subcommand or wrong number of arguments for '" + opt
              + "'. Try XGROUP HELP.");
        }
      }
      Slice key = arg(1);
      String name = str(2);
      RMStream stream = base().getStream(key);
      if (stream == null && !(create && mkstream)) {
        throw new CommandError("ERR The XGROUP subcommand requires the key to exist. Note that for "
            + "CREATE you may want to use the MKSTREAM option to create an empty stream "
            + "automatically.");
      }
      Group group = stream == null ? null : groups.find(stream, name);
      if (group == null && !create && !sub.equals("destroy")) {
        throw new CommandError(
            "NOGROUP No such consumer group '" + name + "' for key name '" + key + "'");
      }
      switch (sub) {
        case "create" -> {
          StreamId id = str(3).equals("$")
              ? (stream == null ? StreamGroups.MIN : stream.getLastId())
              : StreamGroups.strict(str(3));
          if (stream == null) {
            stream = new RMStream();
            base().putValue(key, stream);
          }
          Map<String, Group> all = groups.of(stream);
          if (all.containsKey(name)) {
            throw new CommandError("BUSYGROUP Consumer Group name already exists");
          }
          all.put(name, new Group(name, id));
          base().markKeyModified(key);
          return Response.OK;
        }
        case "setid" -> {
          String id = str(3);
          group.lastId = id.equals("$") ? stream.getLastId()
              : id.equals("-") ? StreamGroups.MIN
              : id.equals("+") ? StreamGroups.MAX
              : StreamGroups.strict(id);
          base().markKeyModified(key);
          return Response.OK;
        }
        case "destroy" -> {
          if (group == null) {
            return Response.integer(0);
          }
          groups.of(stream).remove(name);
          base().markKeyModified(key);
          return Response.integer(1);
        }
        case "createconsumer" -> {
          String consumer = str(3);
          if (group.consumers.containsKey(consumer)) {
            return Response.integer(0);
          }
          group.consumer(consumer, now());
          base().markKeyModified(key);
          return Response.integer(1);
        }
        default -> { // delconsumer
          Consumer c = group.consumers.remove(str(3));
          if (c == null) {
            return Response.integer(0);
          }
          for (StreamId id : c.pel.keySet()) {
            group.pel.remove(id);
          }
          base().markKeyModified(key);
          return Response.integer(c.pel.size());
        }
      }
    }
  }

  // ================================================================== XREADGROUP

  static final class XReadGroup extends AddedOp {
    private static final long POLL_MILLIS = 100;
    private final StreamGroups groups;

    XReadGroup(OperationExecutorState state, List<Slice> params, StreamGroups groups) {
      super(state, params);
      this.groups = groups;
    }

    @Override
    Slice run() {
      String groupName = null;
      String consumerName = null;
      long count = 0;
      long block = -1;
      boolean noack = false;
      int streamsArg = -1;
      for (int i = 0; i < params.size(); i++) {
        String o = str(i);
        int more = params.size() - 1 - i;
        if (o.equalsIgnoreCase("BLOCK") && more > 0) {
          i++;
          block = parseLong(str(i), "ERR timeout is not an integer or out of range");
          if (block < 0) {
            throw new CommandError("ERR timeout is negative");
          }
        } else if (o.equalsIgnoreCase("COUNT") && more > 0) {
          i++;
          count = Math.max(0, parseLong(str(i), NOT_INTEGER));
        } else if (o.equalsIgnoreCase("STREAMS") && more > 0) {
          streamsArg = i + 1;
          if ((params.size() - streamsArg) % 2 != 0) {
            throw new CommandError("ERR Unbalanced XREAD list of streams: for each stream key an "
                + "ID or '$' must be specified.");
          }
          break;
        } else if (o.equalsIgnoreCase("GROUP") && more >= 2) {
          groupName = str(i + 1);
          consumerName = str(i + 2);
          i += 2;
        } else if (o.equalsIgnoreCase("NOACK")) {
          noack = true;
        } else {
          throw new CommandError(SYNTAX);
        }
      }
      if (streamsArg < 0) {
        throw new CommandError(SYNTAX);
      }
      if (groupName == null) {
        throw new CommandError("ERR Missing GROUP option for XREADGROUP");
      }
      int n = (params.size() - streamsArg) / 2;
      StreamId[] ids = new StreamId[n]; // null = ">"
      for (int i = 0; i < n; i++) {
        Slice key = arg(streamsArg + i);
        lookup(key, groupName);
        String id = str(streamsArg + n + i);
        if (id.equals("$")) {
          throw new CommandError("ERR The $ ID is meaningless in the context of XREADGROUP: you "
              + "want to read the history of this consumer by specifying a proper ID, or use the "
              + "> ID to get new messages. The $ ID would just return an empty result set.");
        }
        ids[i] = id.equals(">") ? null : StreamGroups.strict(id);
      }
      List<Slice> out = serve(streamsArg, ids, groupName, consumerName, count, noack);
      if (!out.isEmpty()) {
        return Response.array(out);
      }
      if (block < 0 || inTransaction) {
        return Response.NULL_ARRAY;
      }
      return await(streamsArg, ids, groupName, consumerName, count, noack, block);
    }

    private Group lookup(Slice key, String groupName) {
      RMStream s = base().getStream(key);
      Group g = s == null ? null : groups.find(s, groupName);
      if (g == null) {
        throw new CommandError(
            noGroup(key.toString(), groupName) + " in XREADGROUP with GROUP option");
      }
      return g;
    }

    private List<Slice> serve(int streamsArg, StreamId[] ids, String groupName,
        String consumerName, long count, boolean noack) {
      List<Slice> out = new ArrayList<>();
      long now = now();
      for (int i = 0; i < ids.length; i++) {
        Slice key = arg(streamsArg + i);
        RMStream s = base().getStream(key);
        Group g = groups.find(s, groupName);
        List<Slice> entries = new ArrayList<>();
        if (ids[i] != null) {
          // History: this consumer's pending entries after the ID, deleted ones as [id, nil].
          Consumer c = g.consumer(consumerName, now);
          StreamId from = StreamGroups.next(ids[i]);
          if (from != null) {
            for (Map.Entry<StreamId, Nack> e : c.pel.tailMap(from, true).entrySet()) {
              if (count > 0 && entries.size() >= count) {
                break;
              }
              entries.add(StreamGroups.reply(e.getKey(), StreamGroups.entry(s, e.getKey())));
              e.getValue().deliveryTime = now;
              e.getValue().deliveryCount++;
            }
          }
        } else if (s.getLastId().compareTo(g.lastId) > 0) {
          Consumer c = g.consumer(consumerName, now);
          for (var e : StreamGroups.range(s, StreamGroups.next(g.lastId), count)) {
            StreamId id = e.getKey();
            if (id.compareTo(g.lastId) > 0) {
              g.lastId = id;
            }
            if (!noack) {
              Nack nack = g.pel.get(id);
              if (nack == null) {
                nack = new Nack(null, now, 1);
                g.pel.put(id, nack);
              } else {
                nack.deliveryTime = now;
                nack.deliveryCount = 1;
              }
              g.assign(id, nack, c);
            }
            entries.add(StreamGroups.reply(id, e.getValue()));
          }
        } else {
          continue;
        }
        base().markKeyModified(key);
        out.add(Response.array(Response.bulkString(key), Response.array(entries)));
      }
      return out;
    }

    /** Blocks until new entries arrive (XADD notifies the lock) or the timeout passes. */
    private Slice await(int streamsArg, StreamId[] ids, String groupName, String consumerName,
        long count, boolean noack, long blockMillis) {
      Object lock = state.lock();
      List<Slice> keys = params.subList(streamsArg, streamsArg + ids.length);
      long end = System.nanoTime() + blockMillis * 1_000_000;
      // Registered so INFO counts this client as blocked, as Redis does.
      BlockingManager.Ticket ticket = state.blockingManager().register(keys);
      try {
        while (state.isClientConnected()) {
          long wait = POLL_MILLIS;
          if (blockMillis > 0) {
            long left = end - System.nanoTime();
            if (left <= 0) {
              return Response.NULL_ARRAY;
            }
            wait = Math.max(1, Math.min(POLL_MILLIS, left / 1_000_000));
          }
          lock.wait(wait);
          for (Slice key : keys) {
            lookup(key, groupName); // the key or group may be gone by now
          }
          List<Slice> out = serve(streamsArg, ids, groupName, consumerName, count, noack);
          if (!out.isEmpty()) {
            return Response.array(out);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        ticket.close();
      }
      return Response.SKIP; // disconnected or stopping: nothing to answer
    }
  }

  // ================================================================== XACK

  static final class XAck extends AddedOp {
    private final StreamGroups groups;

    XAck(OperationExecutorState state, List<Slice> params, StreamGroups groups) {
      super(state, params);
      this.groups = groups;
    }

    @Override
    Slice run() {
      RMStream s = base().getStream(arg(0));
      Group g = s == null ? null : groups.find(s, str(1));
      List<StreamId> ids = new ArrayList<>();
      for (int i = 2; i < params.size(); i++) {
        ids.add(StreamGroups.strict(str(i)));
      }
      if (g == null) {
        return Response.integer(0);
      }
      int acked = 0;
      for (StreamId id : ids) {
        if (g.pel.containsKey(id)) {
          g.forget(id);
          acked++;
        }
      }
      if (acked > 0) {
        base().markKeyModified(arg(0));
      }
      return Response.integer(acked);
    }
  }

  // ================================================================== XPENDING

  static final class XPending extends AddedOp {
    private final StreamGroups groups;

    XPending(OperationExecutorState state, List<Slice> params, StreamGroups groups) {
      super(state, params);
      this.groups = groups;
    }

    @Override
    Slice run() {
      int n = params.size();
      if (n != 2 && (n < 5 || n > 8)) {
        throw new CommandError(SYNTAX);
      }
      long minIdle = 0;
      StreamId start = null;
      StreamId end = null;
      long count = 0;
      String consumerName = null;
      if (n >= 5) {
        int at = 2;
        if (str(2).equalsIgnoreCase("IDLE")) {
          minIdle = parseLong(str(3), NOT_INTEGER);
          if (n < 7) {
            throw new CommandError(SYNTAX);
          }
          at = 4;
        }
        count = Math.max(0, parseLong(str(at + 2), NOT_INTEGER));
        start = StreamGroups.interval(str(at), false);
        end = StreamGroups.interval(str(at + 1), true);
        if (at + 3 < n) {
          consumerName = str(at + 3);
        }
      }
      RMStream s = base().getStream(arg(0));
      Group g = s == null ? null : groups.find(s, str(1));
      if (g == null) {
        throw new CommandError(noGroup(str(0), str(1)));
      }
      if (n == 2) {
        if (g.pel.isEmpty()) {
          return Response.array(Response.integer(0), Response.NULL, Response.NULL,
              Response.NULL_ARRAY);
        }
        List<Slice> perConsumer = new ArrayList<>();
        for (Consumer c : g.consumers.values()) {
          if (!c.pel.isEmpty()) {
            perConsumer.add(Response.array(
                StreamGroups.bulk(c.name), StreamGroups.bulk(String.valueOf(c.pel.size()))));
          }
        }
        return Response.array(
            Response.integer(g.pel.size()),
            Response.bulkString(g.pel.firstKey().toSlice()),
            Response.bulkString(g.pel.lastKey().toSlice()),
            Response.array(perConsumer));
      }
      java.util.NavigableMap<StreamId, Nack> pel;
      if (consumerName != null) {
        Consumer c = g.consumers.get(consumerName);
        if (c == null) {
          return Response.EMPTY_ARRAY;
        }
        pel = c.pel;
      } else {
        pel = g.pel;
      }
      List<Slice> out = new ArrayList<>();
      if (start.compareTo(end) <= 0) {
        long now = now();
        for (Map.Entry<StreamId, Nack> e : pel.subMap(start, true, end, true).entrySet()) {
          if (out.size() >= count) {
            break;
          }
          Nack nack = e.getValue();
          long idle = now - nack.deliveryTime;
          if (minIdle > 0 && idle < minIdle) {
            continue;
          }
          out.add(Response.array(
              Response.bulkString(e.getKey().toSlice()),
              StreamGroups.bulk(nack.consumer.name),
              Response.integer(idle),
              Response.integer(nack.deliveryCount)));
        }
      }
      return Response.array(out);
    }
  }

  // ================================================================== XCLAIM

  static final class XClaim extends AddedOp {
    private final StreamGroups groups;

    XClaim(OperationExecutorState state, List<Slice> params, StreamGroups groups) {
      super(state, params);
      this.groups = groups;
    }

    @Override
    Slice run() {
      RMStream s = base().getStream(arg(0));
      Group g = s == null ? null : groups.find(s, str(1));
      if (g == null) {
        throw new CommandError(noGroup(str(0), str(1)));
      }
      long minIdle = Math.max(0,
          parseLong(str(3), "ERR Invalid min-idle-time argument for XCLAIM"));
      List<StreamId> ids = new ArrayList<>();
      int j = 4;
      for (; j < params.size(); j++) {
        try {
          ids.add(StreamGroups.strict(str(j)));
        } catch (CommandError e) {
          break; // perhaps the options start here
        }
      }
      long now = now();
      long retryCount = -1;
      long deliveryTime = -1;
      boolean force = false;
      boolean justId = false;
      StreamId lastId = StreamGroups.MIN;
      for (; j < params.size(); j++) {
        String o = str(j);
        boolean more = j < params.size() - 1;
        if (o.equalsIgnoreCase("FORCE")) {
          force = true;
        } else if (o.equalsIgnoreCase("JUSTID")) {
          justId = true;
        } else if (o.equalsIgnoreCase("IDLE") && more) {
          deliveryTime = now - parseLong(str(++j), "ERR Invalid IDLE option argument for XCLAIM");
        } else if (o.equalsIgnoreCase("TIME") && more) {
          deliveryTime = parseLong(str(++j), "ERR Invalid TIME option argument for XCLAIM");
        } else if (o.equalsIgnoreCase("RETRYCOUNT") && more) {
          retryCount = parseLong(str(++j), "ERR Invalid RETRYCOUNT option argument for XCLAIM");
        } else if (o.equalsIgnoreCase("LASTID") && more) {
          lastId = StreamGroups.strict(str(++j));
        } else {
          throw new CommandError("ERR Unrecognized XCLAIM option '" + o + "'");
        }
      }
      if (lastId.compareTo(g.lastId) > 0) {
        g.lastId = lastId;
      }
      if (deliveryTime < 0 || deliveryTime > now) {
        deliveryTime = now; // no IDLE/TIME, or a bogus one: Redis uses now
      }
      Consumer consumer = null;
      List<Slice> out = new ArrayList<>();
      for (StreamId id : ids) {
        Nack nack = g.pel.get(id);
        SequencedMap<Slice, Slice> fields = StreamGroups.entry(s, id);
        if (fields == null) {
          if (nack != null) {
            g.forget(id); // the entry is gone: drop it from the PEL
          }
          continue;
        }
        if (force && nack == null) {
          nack = new Nack(null, now, 1);
          g.pel.put(id, nack);
        }
        if (nack == null) {
          continue;
        }
        if (nack.consumer != null && minIdle > 0 && now - nack.deliveryTime < minIdle) {
          continue;
        }
        if (consumer == null) {
          consumer = g.consumer(str(2), now);
        }
        nack.deliveryTime = deliveryTime;
        if (retryCount >= 0) {
          nack.deliveryCount = retryCount;
        } else if (!justId) {
          nack.deliveryCount++;
        }
        g.assign(id, nack, consumer);
        out.add(justId ? Response.bulkString(id.toSlice()) : StreamGroups.reply(id, fields));
      }
      base().markKeyModified(arg(0));
      return Response.array(out);
    }
  }

  // ================================================================== XAUTOCLAIM

  static final class XAutoClaim extends AddedOp {
    private final StreamGroups groups;

    XAutoClaim(OperationExecutorState state, List<Slice> params, StreamGroups groups) {
      super(state, params);
      this.groups = groups;
    }

    @Override
    Slice run() {
      long minIdle = Math.max(0,
          parseLong(str(3), "ERR Invalid min-idle-time argument for XAUTOCLAIM"));
      StreamId start = StreamGroups.interval(str(4), false);
      long count = 100;
      boolean justId = false;
      for (int j = 5; j < params.size(); j++) {
        String o = str(j);
        boolean more = j < params.size() - 1;
        if (o.equalsIgnoreCase("COUNT") && more) {
          count = parseLong(str(++j), "ERR COUNT must be > 0");
          if (count < 1 || count > Long.MAX_VALUE / 16) {
            throw new CommandError("ERR COUNT must be > 0");
          }
        } else if (o.equalsIgnoreCase("JUSTID")) {
          justId = true;
        } else {
          throw new CommandError(SYNTAX);
        }
      }
      RMStream s = base().getStream(arg(0));
      Group g = s == null ? null : groups.find(s, str(1));
      if (g == null) {
        throw new CommandError(noGroup(str(0), str(1)));
      }
      long attempts = count * 10;
      long now = now();
      Consumer consumer = null;
      List<Slice> claimed = new ArrayList<>();
      List<Slice> deleted = new ArrayList<>();
      StreamId cursor = start;
      StreamId nextStart = StreamGroups.MIN;
      while (true) {
        Map.Entry<StreamId, Nack> e = cursor == null ? null : g.pel.ceilingEntry(cursor);
        if (e == null) {
          break; // scanned to the end: the cursor is 0-0
        }
        if (attempts-- == 0 || count == 0) {
          nextStart = e.getKey();
          break;
        }
        StreamId id = e.getKey();
        cursor = StreamGroups.next(id);
        SequencedMap<Slice, Slice> fields = StreamGroups.entry(s, id);
        if (fields == null) {
          g.forget(id);
          deleted.add(Response.bulkString(id.toSlice()));
          count--;
          continue;
        }
        Nack nack = e.getValue();
        if (minIdle > 0 && now - nack.deliveryTime < minIdle) {
          continue;
        }
        if (consumer == null) {
          consumer = g.consumer(str(2), now);
        }
        nack.deliveryTime = now;
        if (!justId) {
          nack.deliveryCount++;
        }
        g.assign(id, nack, consumer);
        claimed.add(justId ? Response.bulkString(id.toSlice()) : StreamGroups.reply(id, fields));
        count--;
      }
      base().markKeyModified(arg(0));
      return Response.array(
          Response.bulkString(nextStart.toSlice()),
          Response.array(claimed),
          Response.array(deleted));
    }
  }
}
