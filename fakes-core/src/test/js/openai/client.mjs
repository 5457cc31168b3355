// The npm `openai` SDK (6.x) against the OpenAI/LiteLLM fake: chat, streaming chat, a tool round
// trip, embeddings, the models list, and errors surfaced as the SDK's error classes (401, a 429
// surfaced, 429s retried). Settings: URL (a fake without keys), ERR_URL (a fake with master key
// sk-good whose next LLM call gets a 429 with retry-after-ms 1500, the two after it 20 ms).
// Prints one JSON line with what it saw; exits 1 on an unexpected failure.
import OpenAI from 'openai';

const out = {};
const client = new OpenAI({ baseURL: `${process.env.URL}/v1`, apiKey: 'sk-anything', timeout: 30000 });

// chat
const chat = await client.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'hello from node' }],
});
out.chat = { id: chat.id, content: chat.choices[0].message.content, finish: chat.choices[0].finish_reason,
  usage: chat.usage };

// streaming chat, with usage
const stream = await client.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'stream to node' }],
  stream: true,
  stream_options: { include_usage: true },
});
let text = '';
let chunks = 0;
let streamUsage = null;
for await (const chunk of stream) {
  chunks++;
  if (chunk.choices.length > 0) text += chunk.choices[0].delta.content ?? '';
  if (chunk.usage) streamUsage = chunk.usage;
}
out.stream = { text, chunks, usage: streamUsage };

// tools: the model calls the tool, the tool answers, the model answers
const tools = [{
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}];
const messages = [{ role: 'user', content: 'Paris' }];
const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
const assistant = first.choices[0].message;
const call = assistant.tool_calls[0];
messages.push(assistant);
messages.push({ role: 'tool', tool_call_id: call.id, content: 'sunny, 21' });
const second = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
out.tools = { finish: first.choices[0].finish_reason, name: call.function.name, args: JSON.parse(call.function.arguments),
  callId: call.id, answer: second.choices[0].message.content, answerFinish: second.choices[0].finish_reason };

// embeddings (the SDK asks for base64 and decodes it)
const emb = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['red apple', 'green pear'], dimensions: 8 });
out.embeddings = { count: emb.data.length, first: Array.from(emb.data[0].embedding), usage: emb.usage };

// models
const models = [];
for await (const m of client.models.list()) models.push(m.id);
out.models = models;

// errors, against the fake with keys and armed rate limits
const errors = {};
try {
  await new OpenAI({ baseURL: `${process.env.ERR_URL}/v1`, apiKey: 'sk-wrong', maxRetries: 0 }).chat.completions.create(
    { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
  errors.unauthorized = 'no error';
} catch (e) {
  errors.unauthorized = { cls: e.constructor.name, isAuth: e instanceof OpenAI.AuthenticationError,
    status: e.status, code: e.code, type: e.type, message: e.message };
}
const good = new OpenAI({ baseURL: `${process.env.ERR_URL}/v1`, apiKey: 'sk-good', maxRetries: 2 });
try {
  await good.withOptions({ maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'y' }] });
  errors.rateLimited = 'no error';
} catch (e) {
  errors.rateLimited = { cls: e.constructor.name, isRateLimit: e instanceof OpenAI.RateLimitError, status: e.status,
    code: e.code, type: e.type, retryAfter: e.headers?.get('retry-after'), retryAfterMs: e.headers?.get('retry-after-ms') };
}
const retried = await good.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'retry me' }] });
errors.retried = retried.choices[0].message.content;
out.errors = errors;

console.log(JSON.stringify(out));
