package dev.backlot.redis;

import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.exception.WrongValueTypeException;
import com.github.fppt.jedismock.operations.RedisOperation;
import com.github.fppt.jedismock.server.Response;
import com.github.fppt.jedismock.storage.OperationExecutorState;
import com.github.fppt.jedismock.storage.RedisBase;
import java.util.List;

/**
 * A command Backlot adds to jedis-mock. It is a jedis-mock {@link RedisOperation}, so inside
 * {@code MULTI} it is queued and run by jedis-mock's own {@code EXEC}; it always runs holding the
 * server's data lock. Errors are returned as error replies, never thrown: an exception inside
 * {@code EXEC} would turn the whole transaction's reply into nil.
 */
abstract class AddedOp implements RedisOperation {

  /** Thrown inside {@link #run()} to answer with an error reply. */
  static final class CommandError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandError(String message) {
      super(message, null, false, false);
    }
  }

  static final String SYNTAX = "ERR syntax error";
  static final String NOT_INTEGER = "ERR value is not an integer or out of range";

  final OperationExecutorState state;
  final List<Slice> params;
  /** Built while the connection was in MULTI: a blocking command must not block. */
  final boolean inTransaction;

  AddedOp(OperationExecutorState state, List<Slice> params) {
    this.state = state;
    this.params = params;
    this.inTransaction = state.isTransactionModeOn();
  }

  @Override
  public final Slice execute() {
    try {
      return run();
    } catch (CommandError | WrongValueTypeException e) {
      return Response.error(e.getMessage());
    }
  }

  abstract Slice run();

  RedisBase base() {
    return state.base();
  }

  Slice arg(int i) {
    return params.get(i);
  }

  String str(int i) {
    return params.get(i).toString();
  }

  static long parseLong(String s, String error) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new CommandError(error);
    }
  }

  /** Milliseconds on the fake's clock (jedis-mock's clock is the fake's). */
  long now() {
    return state.getClock().millis();
  }
}
