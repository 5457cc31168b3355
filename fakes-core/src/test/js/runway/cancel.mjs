// @runwayml/sdk cancels a running task with tasks.delete(); afterwards the task is gone (404).
// Env: RUNWAYML_BASE_URL, RUNWAYML_API_SECRET, PROMPT_IMAGE.
import RunwayML, { NotFoundError } from "@runwayml/sdk";

const client = new RunwayML({ maxRetries: 0 });
const created = await client.textToVideo.create({
  model: "veo3.1_fast", promptText: "A paper boat on a river", ratio: "720:1280", duration: 4,
});
const before = await client.tasks.retrieve(created.id);
const deleted = await client.tasks.delete(created.id);
let after;
try {
  await client.tasks.retrieve(created.id);
  after = "still there";
} catch (e) {
  after = { notFound: e instanceof NotFoundError, status: e.status, error: e.error };
}
console.log(JSON.stringify({ id: created.id, estimatedCost: created.estimatedCost,
  before: before.status, deleted: deleted ?? null, after }));
