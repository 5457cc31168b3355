package dev.backlot.examples.ttv;

import com.google.cloud.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The render workers: each thread takes a job from the queue, drives its generator, uploads the
 * video and finishes the job (or fails it, with the generator's reason). A job cancelled while it
 * renders stops at the next poll; one cancelled during upload keeps its status {@code canceled}.
 *
 * <pre>{@code
 * try (Worker w = new Worker(queue, generators, store, 2).start()) { ... }
 * }</pre>
 */
public final class Worker implements AutoCloseable {

  private final JobQueue queue;
  private final Map<String, Generator> generators;
  private final ArtifactStore store;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  public Worker(JobQueue queue, List<Generator> generators, ArtifactStore store, int threads) {
    this.queue = queue;
    this.generators = new java.util.HashMap<>();
    generators.forEach(g -> this.generators.put(g.name(), g));
    this.store = store;
    for (int i = 0; i < threads; i++) {
      String name = "ttv-worker-" + i;
      Thread t = new Thread(this::loop, name);
      t.setDaemon(true);
      this.threads.add(t);
    }
  }

  /** Starts the threads. */
  public Worker start() {
    threads.forEach(Thread::start);
    return this;
  }

  private void loop() {
    String me = Thread.currentThread().getName();
    while (running) {
      try {
        queue.take(me, 0.2).ifPresent(this::process);
      } catch (RuntimeException e) {
        if (running) {
          System.err.println(me + ": " + e); // Redis unreachable: try again at the next turn
        }
      }
    }
  }

  void process(String id) {
    JobRequest request = queue.request(id);
    Generator generator = generators.get(request.generator());
    if (generator == null) {
      queue.fail(id, "unknown generator " + request.generator());
      return;
    }
    double[] reported = {-1};
    Generator.Context ctx = new Generator.Context(id, request, line -> queue.log(id, line),
        () -> "canceled".equals(queue.status(id)), (f, task) -> {
          if (f != reported[0]) { // a heartbeat per change, not per poll
            reported[0] = f;
            queue.progress(id, f, task);
          }
        });
    try {
      byte[] mp4 = generator.render(ctx);
      if (ctx.cancelled().getAsBoolean()) {
        queue.log(id, "canceled during the render: nothing uploaded");
        return;
      }
      queue.log(id, "uploading " + mp4.length + " bytes");
      String uri = store.upload(id, queue.createdAt(id), mp4);
      if (!queue.finish(id, uri)) {
        queue.log(id, "canceled during the upload: " + uri + " stays, unlisted");
      }
    } catch (Generator.Cancelled e) {
      queue.log(id, e.getMessage());
    } catch (Generator.RenderFailed e) {
      queue.fail(id, e.getMessage());
    } catch (InterruptedException e) {
      queue.fail(id, "worker stopped");
      Thread.currentThread().interrupt();
    } catch (StorageException e) { // after the client's own retries
      queue.fail(id, "storage: HTTP " + e.getCode() + " " + e.getMessage());
    } catch (RuntimeException e) {
      queue.fail(id, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Stops taking jobs and waits for the threads (a job in flight ends as failed). */
  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.interrupt();
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
  }
}
