package dev.backlot.redis;

import com.github.fppt.jedismock.datastructures.RMList;
import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.server.Response;
import com.github.fppt.jedismock.storage.BlockingManager;
import com.github.fppt.jedismock.storage.KeyspaceEvent;
import com.github.fppt.jedismock.storage.OperationExecutorState;
import java.util.List;

/**
 * {@code LMOVE source destination LEFT|RIGHT LEFT|RIGHT} and {@code BLMOVE ... timeout}, with
 * Redis 7's replies: the element, or nil ({@code $-1}); a BLMOVE that times out answers a nil
 * array ({@code *-1}), inside MULTI a nil bulk string.
 *
 * <p>BLMOVE blocks the way jedis-mock's own BRPOPLPUSH does: jedis-mock serves each connection on
 * its own thread, so a waiting BLMOVE parks that connection's thread in {@code wait()} on the data
 * lock (releasing it), re-checking every 100 ms and whenever a push notifies. No thread is added
 * per waiter. Waiters take FIFO tickets in jedis-mock's {@link BlockingManager}, shared with
 * BLPOP/BRPOP/BRPOPLPUSH, so the oldest waiter on a key is served first, as in Redis. The timeout
 * runs on wall time, like jedis-mock's other blocking commands.
 */
final class ListMove extends AddedOp {

  private static final long POLL_MILLIS = 100;

  private final boolean blocking;

  ListMove(OperationExecutorState state, List<Slice> params, boolean blocking) {
    super(state, params);
    this.blocking = blocking;
  }

  @Override
  Slice run() {
    Slice source = arg(0);
    Slice destination = arg(1);
    boolean fromLeft = side(str(2));
    boolean toLeft = side(str(3));
    long timeoutNanos = blocking ? timeout(str(4)) : 0;

    Slice moved = tryMove(source, destination, fromLeft, toLeft);
    if (moved != null) {
      return Response.bulkString(moved);
    }
    if (!blocking || inTransaction) {
      return Response.NULL;
    }
    Object lock = state.lock();
    long end = System.nanoTime() + timeoutNanos;
    boolean connected;
    try (BlockingManager.Ticket ticket = state.blockingManager().register(List.of(source))) {
      while ((connected = state.isClientConnected())) {
        if (ticket.isFirst(source)) {
          moved = tryMove(source, destination, fromLeft, toLeft);
          if (moved != null) {
            return Response.bulkString(moved);
          }
        }
        long waitMillis = POLL_MILLIS;
        if (timeoutNanos > 0) {
          long left = end - System.nanoTime();
          if (left <= 0) {
            break;
          }
          waitMillis = Math.max(1, Math.min(POLL_MILLIS, left / 1_000_000));
        }
        lock.wait(waitMillis);
      }
    } catch (InterruptedException e) {
      // the fake is stopping: the connection is being closed
      Thread.currentThread().interrupt();
      return Response.SKIP;
    } finally {
      // hand the turn to the next waiter in line
      lock.notifyAll();
    }
    return connected ? Response.NULL_ARRAY : Response.SKIP;
  }

  /** Moves one element if the source has one; null if it is empty or missing. */
  private Slice tryMove(Slice source, Slice destination, boolean fromLeft, boolean toLeft) {
    RMList src = base().getList(source); // WRONGTYPE if not a list
    if (src == null || src.getStoredData().isEmpty()) {
      return null;
    }
    RMList dst = base().getList(destination); // WRONGTYPE checked before anything moves
    List<Slice> from = src.getStoredData();
    Slice value = fromLeft ? from.remove(0) : from.remove(from.size() - 1);
    boolean created = dst == null;
    if (created) {
      dst = new RMList();
    }
    List<Slice> to = dst.getStoredData();
    if (toLeft) {
      to.add(0, value);
    } else {
      to.add(value);
    }
    // (when source and destination are one key, the list is never empty here)
    boolean sourceEmptied = from.isEmpty();
    if (sourceEmptied) {
      base().deleteValue(source);
    } else {
      base().markKeyModified(source);
    }
    if (created) {
      base().putValue(destination, dst);
    } else {
      base().markKeyModified(destination);
    }
    // Redis reports the push into the destination first, then the pop, then the deletion.
    base().notifyKeyspaceEvent(toLeft ? KeyspaceEvent.LPUSH : KeyspaceEvent.RPUSH, destination);
    base().notifyKeyspaceEvent(fromLeft ? KeyspaceEvent.LPOP : KeyspaceEvent.RPOP, source);
    if (sourceEmptied) {
      base().notifyKeyspaceEvent(KeyspaceEvent.DEL, source);
    }
    state.lock().notifyAll(); // wake clients blocked on the destination
    return value;
  }

  private static boolean side(String s) {
    if ("left".equalsIgnoreCase(s)) {
      return true;
    }
    if ("right".equalsIgnoreCase(s)) {
      return false;
    }
    throw new CommandError(SYNTAX);
  }

  private static long timeout(String s) {
    double seconds;
    try {
      seconds = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new CommandError("ERR timeout is not a float or out of range");
    }
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      throw new CommandError("ERR timeout is not a float or out of range");
    }
    if (seconds < 0) {
      throw new CommandError("ERR timeout is negative");
    }
    return (long) (seconds * 1_000_000_000L);
  }
}
