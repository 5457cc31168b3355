// The SDK's error classes for the fake's 400, 401 and 404 answers, and TaskFailedError for a
// failed task (FAILED_TASK_ID: a task the test made fail before running this script).
// Env: RUNWAYML_BASE_URL, RUNWAYML_API_SECRET (accepted), PROMPT_IMAGE, FAILED_TASK_ID.
import RunwayML, {
  AuthenticationError, BadRequestError, NotFoundError, TaskFailedError,
} from "@runwayml/sdk";

const good = new RunwayML({ maxRetries: 0 });
const out = {};

async function capture(name, fn, cls) {
  try {
    await fn();
    out[name] = { thrown: false };
  } catch (e) {
    out[name] = { thrown: true, cls: e.constructor.name, matches: e instanceof cls,
      status: e.status ?? null, error: e.error ?? null, message: e.message };
  }
}

await capture("badRatio", () => good.imageToVideo.create({
  model: "gen4_turbo", promptImage: process.env.PROMPT_IMAGE, ratio: "1000:1000",
}), BadRequestError);
await capture("httpImage", () => good.imageToVideo.create({
  model: "gen4_turbo", promptImage: "http://example.com/cat.png", ratio: "1280:720",
}), BadRequestError);
await capture("unknownModel", () => good.textToVideo.create({
  model: "gen9", promptText: "x", ratio: "1280:720",
}), BadRequestError);
await capture("badKey", () => new RunwayML({ apiKey: "key_wrong", maxRetries: 0 })
  .tasks.retrieve("00000000-0000-4000-8000-000000000000"), AuthenticationError);
await capture("badVersion", () => new RunwayML({ runwayVersion: "1999-01-01", maxRetries: 0 })
  .tasks.retrieve("00000000-0000-4000-8000-000000000000"), BadRequestError);
await capture("unknownTask", () => good.tasks.retrieve("00000000-0000-4000-8000-000000000000"),
  NotFoundError);
await capture("failedTask", () => good.tasks.retrieve(process.env.FAILED_TASK_ID)
  .waitForTaskOutput({ timeout: 30_000 }), TaskFailedError);
out.failedTask.taskDetails = null;
try {
  await good.tasks.retrieve(process.env.FAILED_TASK_ID).waitForTaskOutput({ timeout: 30_000 });
} catch (e) {
  out.failedTask.taskDetails = e.taskDetails ?? null;
}
// A 429 from the fake's fault plan (with retry-after-ms): the SDK's own retry goes through.
const retrying = new RunwayML({ maxRetries: 2 });
const upscale = await retrying.videoUpscale.create({
  model: "magnific_video_upscaler_creative", videoUri: "https://example.com/clip.mp4",
});
out.retried = { id: upscale.id };
console.log(JSON.stringify(out));
