// node-redis v5 against REDIS_URL: pipelines, MULTI/EXEC (with a command failing inside),
// pub/sub, BLPOP with a timeout. Prints its findings as JSON on the last line.
import { createClient } from "redis";

const url = process.env.REDIS_URL;
const out = {};
const client = createClient({ url, RESP: 2 });
const sub = client.duplicate();
try {
  await client.connect();
  await sub.connect();
  await client.flushAll();

  // pipeline: many commands written at once, replies in order
  const pipe = await client.multi().set("p:a", "1").incr("p:a").get("p:a").execAsPipeline();
  out.pipeline = pipe;

  // MULTI/EXEC: a run-time error in the middle does not abort the others
  await client.set("s", "str");
  const tx = await client.multi().incr("n").lPush("s", "x").incr("n").exec().catch((e) =>
    ({ error: e.constructor.name, replies: e.replies?.map((r) => (r instanceof Error ? "ERR:" + r.message : r)) }));
  out.multiWithError = tx;

  // WATCH: a change by another client aborts EXEC (null reply -> WatchError)
  const other = client.duplicate();
  await other.connect();
  await client.watch("w");
  await other.set("w", "changed");
  out.watchAborted = await client.multi().set("w", "mine").exec().then(() => "committed",
    (e) => e.constructor.name);
  await other.quit();

  // pub/sub
  const got = [];
  await sub.subscribe("news", (m, ch) => got.push(ch + ":" + m));
  out.receivers = await client.publish("news", "hello");
  for (let i = 0; i < 200 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  out.messages = got;

  // BLPOP: times out to null, then gets a pushed element
  out.blpopTimeout = await client.blPop("empty", 0.2);
  setTimeout(() => client.duplicate().connect().then((c) => c.rPush("q", "job").then(() => c.quit())), 100);
  const blocker = client.duplicate();
  await blocker.connect();
  out.blpop = await blocker.blPop("q", 5);
  await blocker.quit();

  // a script using the libraries Redis loads (cmsgpack, cjson, bit, struct)
  out.script = await client.eval(
    "local t = cmsgpack.unpack(cmsgpack.pack({1,2,{a='b'}})) " +
    "return {t[3].a, cjson.encode({}), bit.tohex(bit.bxor(0xff, 0x0f)), struct.unpack('>I2', struct.pack('>I2', 513))}",
    { keys: [], arguments: [] });

  // XADD * ids follow the clock: ms-seq, monotonic
  const id1 = await client.xAdd("st", "*", { f: "1" });
  const id2 = await client.xAdd("st", "*", { f: "2" });
  out.xadd = { id1, id2, monotonic: BigInt(id2.split("-")[0]) * 1000000n + BigInt(id2.split("-")[1])
      > BigInt(id1.split("-")[0]) * 1000000n + BigInt(id1.split("-")[1]),
    msNearNow: Math.abs(Number(id1.split("-")[0]) - Date.now()) < 600_000 };
  console.log(JSON.stringify(out));
  await sub.quit();
  await client.quit();
  process.exit(0);
} catch (e) {
  console.log(JSON.stringify({ error: String(e && e.stack || e), ...out }));
  process.exit(1);
}
