// @runwayml/sdk creates an image-to-video task, waits for it with waitForTaskOutput(), and
// downloads the output without credentials.
// Env: RUNWAYML_BASE_URL, RUNWAYML_API_SECRET, PROMPT_IMAGE (https URL or data URI), RATIO,
//      DURATION, MODEL, OUT (where to write the video).
import RunwayML from "@runwayml/sdk";
import { writeFileSync } from "node:fs";

const client = new RunwayML({ maxRetries: 0 });
const task = await client.imageToVideo
  .create({
    model: process.env.MODEL ?? "gen4_turbo",
    promptImage: process.env.PROMPT_IMAGE,
    promptText: "A slow dolly shot across a neon street",
    ratio: process.env.RATIO ?? "1280:720",
    duration: Number(process.env.DURATION ?? "5"),
  })
  .waitForTaskOutput({ timeout: 90_000 });

// The output link needs no Authorization header: plain fetch.
const res = await fetch(task.output[0]);
const bytes = Buffer.from(await res.arrayBuffer());
writeFileSync(process.env.OUT, bytes);
console.log(JSON.stringify({
  id: task.id, status: task.status, createdAt: task.createdAt, cost: task.cost,
  output: task.output, httpStatus: res.status, contentType: res.headers.get("content-type"),
  bytes: bytes.length,
}));
