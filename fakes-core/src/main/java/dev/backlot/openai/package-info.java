/**
 * A LiteLLM proxy / OpenAI-compatible API fake ({@link dev.backlot.openai.OpenAiFake}): chat
 * completions (plain and SSE-streamed, tools, JSON mode), legacy text completions, embeddings,
 * models, LiteLLM's health routes, virtual keys with model lists and rpm limits, LiteLLM's {@code
 * mock_response}, and LLM faults (rate limits, errors, mid-stream error events, cut streams) as
 * rules of the fake's {@code faults()} plan. Proven with openai-java and the npm {@code openai}
 * SDK.
 *
 * <p>Where the work lives: {@code OpenAiFake} (public API, routes, builder), {@code Access} (keys,
 * rpm windows, model lookup), {@code ChatCompletions}, {@code TextCompletions}, {@code
 * EmbeddingsEndpoint}, {@code ModelsAndHealth} (the endpoints), {@code Replies} (reply rules,
 * stop/max_tokens, usage), {@code MockResponse}, {@code SchemaSampler} (tool arguments and {@code
 * json_schema} replies), {@code Validation} (OpenAI's 400s, tool-message pairing included),
 * {@code LlmFaultRules} (the fault conveniences on the shared plan), {@code Pacer} (stream pacing
 * on the fake's clock).
 *
 * <p>Differs from the real backend: replies are an echo of the prompt unless programmed; tokens
 * are counted as four characters each; ids ({@code chatcmpl-}, {@code call_}, {@code cmpl-},
 * {@code x-litellm-call-id}) come from the fake's seeded {@code ids()}, so they repeat run after
 * run; {@code /health} makes no upstream calls; no spend tracking, budgets, teams or caching.
 * {@code type} and {@code param} of errors are what LiteLLM sends (strings for proxy errors, null
 * for mock and injected ones).
 */
package dev.backlot.openai;
