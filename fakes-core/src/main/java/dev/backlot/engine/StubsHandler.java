package dev.backlot.engine;

import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import java.util.List;
import java.util.Map;

/** The chain's stub step: the newest stub that matches answers; else the next step does. */
final class StubsHandler implements Handler {

  private final List<Stub> stubs;
  private final Handler next;

  StubsHandler(List<Stub> stubs, Handler next) {
    this.stubs = stubs;
    this.next = next;
  }

  @Override
  public Response handle(Request req) throws Exception {
    String raw = req.rawPath();
    for (Stub s : stubs) {
      if (s.matchesMethod(req.method())) {
        Map<String, String> params = s.template().match(raw);
        if (params != null) {
          Request r = req.withPathParams(params);
          if (s.accepts(r)) {
            return s.answer(r);
          }
        }
      }
    }
    return next.handle(req);
  }
}
