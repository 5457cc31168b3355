// Generates videos with @google/genai against the Veo fake (Gemini Developer API), polls the
// operations, downloads every video, and tries the error paths. Settings from env:
//   VEO_URL (the fake's base URL), VEO_KEY, OUT_DIR (where videos go).
// Prints one JSON line: what the client saw.
import { GoogleGenAI } from "@google/genai";
import { statSync } from "node:fs";
import { join } from "node:path";

const env = process.env;
const ai = new GoogleGenAI({ apiKey: env.VEO_KEY, httpOptions: { baseUrl: env.VEO_URL } });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run(model, prompt, config) {
  let op = await ai.models.generateVideos({ model, source: { prompt }, config });
  const seen = [op.done ? "done" : "pending"];
  const deadline = Date.now() + 90_000;
  while (!op.done) {
    if (Date.now() > deadline) throw new Error(`operation ${op.name} not done in 90 s`);
    await sleep(100);
    op = await ai.operations.getVideosOperation({ operation: op });
    seen.push(op.done ? (op.error ? "error" : "response") : "pending");
  }
  return { op, seen };
}

async function apiError(fn) {
  try {
    await fn();
    return { thrown: false };
  } catch (e) {
    return { thrown: true, name: e.constructor.name, status: e.status, message: String(e.message) };
  }
}

const out = {};

// 1. text-to-video, portrait, 4 s, two samples; every video downloaded
{
  const { op, seen } = await run("veo-3.0-generate-001", "a paper boat on a river",
    { aspectRatio: "9:16", durationSeconds: 4, numberOfVideos: 2 });
  const files = [];
  const vids = op.response?.generatedVideos ?? [];
  for (let i = 0; i < vids.length; i++) {
    const path = join(env.OUT_DIR, `js-${i}.mp4`);
    await ai.files.download({ file: vids[i], downloadPath: path });
    // the SDK's writer may finish a moment after download() returns
    for (let t = 0; t < 100 && (!statSync(path, { throwIfNoEntry: false })?.size); t++) await sleep(50);
    files.push({ path, uri: vids[i].video?.uri, size: statSync(path).size });
  }
  out.generated = { name: op.name, done: op.done, seen, files };
}

// 2. a scripted failure (the Java test scripts prompts "doomed")
{
  const { op, seen } = await run("veo-2.0-generate-001", "doomed", { durationSeconds: 5 });
  out.failed = { name: op.name, done: op.done, error: op.error ?? null, hasResponse: !!op.response, seen };
}

// 3. errors the SDK surfaces as ApiError
out.unknownModel = await apiError(() =>
  ai.models.generateVideos({ model: "veo-0-nonexistent", source: { prompt: "x" } }));
out.badAspect = await apiError(() =>
  ai.models.generateVideos({ model: "veo-3.0-generate-001", source: { prompt: "x" }, config: { aspectRatio: "1:1" } }));
out.badDuration = await apiError(() =>
  ai.models.generateVideos({ model: "veo-3.1-generate-preview", source: { prompt: "x" }, config: { durationSeconds: 30 } }));
const wrongKey = new GoogleGenAI({ apiKey: "not-a-key", httpOptions: { baseUrl: env.VEO_URL } });
out.wrongKey = await apiError(() =>
  wrongKey.models.generateVideos({ model: "veo-3.0-generate-001", source: { prompt: "x" } }));

console.log(JSON.stringify(out));
