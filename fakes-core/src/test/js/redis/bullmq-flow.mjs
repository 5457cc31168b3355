// The whole BullMQ flow against REDIS_URL: a Queue and a Worker (concurrency 5) over 30 jobs,
// one job failing once and retried (attempts 2), a delayed job, progress updates, QueueEvents,
// and the final job counts. Prints what it saw as JSON on the last line; exits 1 on failure.
import { Queue, Worker, QueueEvents } from "bullmq";
import IORedis from "ioredis";

const url = process.env.REDIS_URL;
const name = "backlot-" + (process.env.QUEUE || "flow");
const connection = () => new IORedis(url, { maxRetriesPerRequest: null });
const deadline = (ms, what) => new Promise((_, reject) =>
  setTimeout(() => reject(new Error("timed out waiting for " + what)), ms).unref());

const conns = [connection(), connection(), connection()];
const queue = new Queue(name, { connection: conns[0] });
const events = new QueueEvents(name, { connection: conns[1] });
const out = { completed: 0, failedOnce: [], progress: [], eventsCompleted: 0, delayedRanAfterMs: null };
try {
  await queue.obliterate({ force: true }).catch(() => {});
  await events.waitUntilReady();
  let attemptsOfFlaky = 0;
  const worker = new Worker(name, async (job) => {
    if (job.name === "flaky") {
      attemptsOfFlaky++;
      if (attemptsOfFlaky === 1) {
        throw new Error("first attempt fails");
      }
    }
    if (job.name === "progress") {
      for (const p of [25, 50, 100]) {
        await job.updateProgress(p);
      }
    }
    if (job.name === "delayed") {
      return { ranAfter: Date.now() - job.data.addedAt };
    }
    return { double: (job.data.n ?? 0) * 2 };
  }, { connection: conns[2], concurrency: 5 });
  worker.on("failed", (job, err) => out.failedOnce.push(job.name + ": " + err.message));
  events.on("progress", ({ data }) => out.progress.push(data));
  let resolveAll;
  const allDone = new Promise((r) => (resolveAll = r));
  const total = 30 + 3;
  events.on("completed", () => {
    out.eventsCompleted++;
    if (out.eventsCompleted === total) resolveAll();
  });
  worker.on("completed", () => out.completed++);
  await worker.waitUntilReady();

  const jobs = [];
  for (let i = 0; i < 30; i++) jobs.push({ name: "plain", data: { n: i } });
  await queue.addBulk(jobs);
  await queue.add("flaky", { n: 100 }, { attempts: 2, backoff: { type: "fixed", delay: 50 } });
  await queue.add("progress", { n: 7 });
  const delayed = await queue.add("delayed", { addedAt: Date.now() }, { delay: 200 });
  out.delayedStateAtFirst = await delayed.getState();

  await Promise.race([allDone, deadline(60_000, "33 completed events")]);
  const finished = await queue.getJob(delayed.id);
  out.delayedRanAfterMs = finished.returnvalue.ranAfter;
  const one = (await queue.getJobs(["completed"], 0, 100)).find((j) => j.data.n === 21);
  out.returnOf21 = one.returnvalue;
  out.counts = await queue.getJobCounts("completed", "failed", "delayed", "active", "waiting");
  await worker.close();
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
  console.log(JSON.stringify(out));
  process.exit(0);
} catch (e) {
  console.log(JSON.stringify({ error: String(e && e.stack || e), ...out }));
  process.exit(1);
} finally {
  for (const c of conns) c.disconnect();
}
