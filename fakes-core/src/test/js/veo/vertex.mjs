// Vertex AI mode of @google/genai against the Veo fake: a static access token (no real
// credentials, no token endpoint), generateVideos, getVideosOperation (which POSTs
// :fetchPredictOperation), and the output as inline bytes or a gs:// uri. Settings from env:
//   VEO_URL, OUT_DIR, STORAGE_URI (optional: gs://bucket/prefix/).
// Prints one JSON line.
import { GoogleGenAI } from "@google/genai";
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const env = process.env;
// the auth library the SDK itself depends on (the top-level copy is an older major)
const sdkRequire = createRequire(new URL("../node_modules/@google/genai/package.json", import.meta.url));
const { OAuth2Client } = sdkRequire("google-auth-library");
const authClient = new OAuth2Client();
authClient.setCredentials({ access_token: "ya29.js-token", expiry_date: Date.now() + 3_600_000 });
const ai = new GoogleGenAI({
  vertexai: true, project: "js-project", location: "europe-west4",
  googleAuthOptions: { authClient },
  httpOptions: { baseUrl: env.VEO_URL },
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const config = { aspectRatio: "16:9", durationSeconds: 6 };
if (env.STORAGE_URI) config.outputGcsUri = env.STORAGE_URI;
let op = await ai.models.generateVideos({ model: "veo-3.1-generate-001", source: { prompt: "a windmill" }, config });
const name = op.name;
const deadline = Date.now() + 90_000;
let polls = 0;
while (!op.done) {
  if (Date.now() > deadline) throw new Error(`operation ${op.name} not done in 90 s`);
  await sleep(100);
  op = await ai.operations.getVideosOperation({ operation: op });
  polls++;
}
const video = op.response?.generatedVideos?.[0]?.video ?? {};
let path = null;
if (video.videoBytes) {
  path = join(env.OUT_DIR, "vertex-js.mp4");
  writeFileSync(path, Buffer.from(video.videoBytes, "base64"));
}
console.log(JSON.stringify({ name, done: op.done, polls, uri: video.uri ?? null, mimeType: video.mimeType ?? null, path,
  error: op.error ?? null }));
