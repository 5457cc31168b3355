// Drives a Gradio fake with @gradio/client (CLIENT = "@gradio/client" for 2.7, "gradio-client-1"
// for 1.14): connect, view_api, predict text-to-video and download the MP4, submit with status
// and progress events, image-to-video with a PNG through handle_file, a gr.Error, a queue-full
// error (FULL_URL: a fake whose queue is full), and cancel (a job the Java side stalls).
// Prints one JSON line with what it saw; exits 1 on an unexpected failure.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

const { Client, handle_file } = await import(process.env.CLIENT);
const url = process.env.URL;
const t2v = process.env.T2V;
const i2v = process.env.I2V;
const t2vArgs = JSON.parse(process.env.T2V_ARGS);
const i2vArgs = JSON.parse(process.env.I2V_ARGS);
const imageParam = process.env.IMAGE_PARAM;
const out = {};

function findVideo(value) {
  if (value && typeof value === "object") {
    if (typeof value.url === "string" && String(value.path).endsWith(".mp4")) return value;
    for (const v of Object.values(value)) {
      const f = findVideo(v);
      if (f) return f;
    }
  }
  return null;
}

async function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timeout: ${what}`)), ms); });
  try { return await Promise.race([promise, t]); } finally { clearTimeout(timer); }
}

const client = await Client.connect(url, { events: ["data", "status"] });
out.root = client.config.root;
out.apiPrefix = client.api_prefix;

const api = await client.view_api();
out.namedEndpoints = Object.keys(api.named_endpoints).sort();
out.t2vParameters = api.named_endpoints[t2v].parameters.map((p) => p.parameter_name);

// predict: text to video, then download the MP4 from its url
const result = await withTimeout(client.predict(t2v, t2vArgs), 60000, "predict");
const video = findVideo(result.data);
out.predictType = result.type;
out.videoUrl = video.url;
const res = await fetch(video.url);
const bytes = Buffer.from(await res.arrayBuffer());
const file = join(tmpdir(), `gradio-${process.pid}-${Date.now()}.mp4`);
writeFileSync(file, bytes);
out.mp4File = file;
out.mp4Size = bytes.length;
out.mp4Status = res.status;

// submit: status and progress events
const stages = [];
let progressSeen = 0;
let dataEvents = 0;
const job = client.submit(t2v, t2vArgs);
await withTimeout((async () => {
  for await (const ev of job) {
    if (ev.type === "status") {
      if (stages[stages.length - 1] !== ev.stage) stages.push(ev.stage);
      if (ev.progress_data) progressSeen++;
      if (ev.stage === "complete" || ev.stage === "error") break;
    } else if (ev.type === "data") {
      dataEvents++;
    }
  }
})(), 60000, "submit");
out.submitStages = stages;
out.progressEvents = progressSeen;
out.dataEvents = dataEvents;

// image to video with a PNG uploaded through handle_file
const i2vResult = await withTimeout(
  client.predict(i2v, { ...i2vArgs, [imageParam]: handle_file(process.env.PNG) }), 60000, "i2v");
out.i2vVideo = findVideo(i2vResult.data)?.path ?? null;

// gr.Error: image to video without an image
try {
  await withTimeout(client.predict(i2v, { ...i2vArgs, [imageParam]: null }), 60000, "gr.Error");
  out.grError = "no error";
} catch (e) {
  out.grError = e.message ?? String(e);
  out.grErrorTitle = e.title ?? null;
}

// queue full
const full = await Client.connect(process.env.FULL_URL, { events: ["data", "status"] });
try {
  await withTimeout(full.predict(t2v, t2vArgs), 60000, "queue full");
  out.queueFull = "no error";
} catch (e) {
  out.queueFull = e.message ?? String(e);
}

// cancel: the Java side stalls jobs whose prompt is "stall me"
const stalled = client.submit(t2v, { ...t2vArgs, [Object.keys(t2vArgs)[0]]: "stall me" });
const afterCancel = [];
await withTimeout((async () => {
  let cancelled = false;
  for await (const ev of stalled) {
    if (cancelled) afterCancel.push(ev.type === "status" ? ev.stage : ev.type);
    if (!cancelled && ev.type === "status" && ev.stage === "pending" && typeof ev.position === "number") {
      cancelled = true;
      await stalled.cancel();
    }
  }
})(), 60000, "cancel");
out.afterCancel = afterCancel;
out.ok = true;
console.log(JSON.stringify(out));
process.exit(0);
