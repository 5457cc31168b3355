package dev.backlot.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.backlot.journal.Entry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's pairing rule for tool calls and tool messages (LiteLLM passes its 400 through),
 * driven with the official openai-java SDK: every {@code tool} message answers a {@code
 * tool_call_id} of the assistant message before it, and every such id is answered.
 */
class OpenAiToolMessagesTest {

  private static final String ORPHAN =
      "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
  private static final String UNANSWERED =
      "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. "
          + "The following tool_call_ids did not have response messages: ";

  private OpenAiFake fake;
  private OpenAIClient client;

  @BeforeEach
  void start() {
    fake = OpenAiFake.builder().start();
    client = OpenAIOkHttpClient.builder()
        .baseUrl(fake.baseUri() + "/v1").apiKey("sk-test").maxRetries(0)
        .timeout(Duration.ofSeconds(30)).responseValidation(true).build();
  }

  @AfterEach
  void stop() {
    client.close();
    fake.close();
  }

  /** The assistant's answer to "weather?" when the fake is told to call two tools. */
  private ChatCompletionMessage twoToolCalls() {
    fake.replyWhen("weather", Reply.toolCall("get_weather", "{\"city\":\"Paris\"}").andToolCall("get_time", "{}"));
    ChatCompletion c = client.chat().completions().create(
        ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("weather?").build());
    return c.choices().get(0).message();
  }

  private static ChatCompletionToolMessageParam answer(String id, String text) {
    return ChatCompletionToolMessageParam.builder().toolCallId(id).content(text).build();
  }

  private static String id(ChatCompletionMessage m, int i) {
    return m.toolCalls().orElseThrow().get(i).asFunction().id();
  }

  @Test
  void aFullToolRoundTripIsAnswered() {
    ChatCompletionMessage assistant = twoToolCalls();
    assertThat(assistant.toolCalls().orElseThrow()).hasSize(2);

    ChatCompletion done = client.chat().completions().create(
        ChatCompletionCreateParams.builder().model("gpt-4o-mini")
            .addUserMessage("weather?")
            .addMessage(assistant)
            .addMessage(answer(id(assistant, 0), "sunny"))
            .addMessage(answer(id(assistant, 1), "noon"))
            .build());

    assertThat(done.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(done.choices().get(0).message().content()).contains("Echo: noon");
    // and the conversation may go on after the tool answers
    assertThat(client.chat().completions().create(
        ChatCompletionCreateParams.builder().model("gpt-4o-mini")
            .addUserMessage("weather?")
            .addMessage(assistant)
            .addMessage(answer(id(assistant, 0), "sunny"))
            .addMessage(answer(id(assistant, 1), "noon"))
            .addUserMessage("thanks")
            .build()).choices().get(0).message().content()).contains("Echo: thanks");
  }

  @Test
  void aToolMessageWithoutAPrecedingToolCallIsA400() {
    assertThatThrownBy(() -> client.chat().completions().create(
            ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("hi")
                .addMessage(answer("call_nobody_asked", "42"))
                .build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.getMessage()).contains("litellm.BadRequestError: OpenAIException - " + ORPHAN);
          assertThat(e.type()).contains("invalid_request_error");
          assertThat(e.param()).contains("messages.[1].role");
          assertThat(e.code()).contains("400");
        });
  }

  @Test
  void aToolMessageAnsweringAnIdNobodyCalledIsA400() {
    ChatCompletionMessage assistant = twoToolCalls();
    assertThatThrownBy(() -> client.chat().completions().create(
            ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("weather?")
                .addMessage(assistant)
                .addMessage(answer(id(assistant, 0), "sunny"))
                .addMessage(answer("call_unknown", "?"))
                .build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.getMessage()).contains(ORPHAN);
          assertThat(e.param()).contains("messages.[3].role");
        });
  }

  @Test
  void anUnansweredToolCallIsA400NamingTheIds() {
    ChatCompletionMessage assistant = twoToolCalls();
    String first = id(assistant, 0);
    String second = id(assistant, 1);

    // one answer, then the user speaks again: the second id is missing
    assertThatThrownBy(() -> client.chat().completions().create(
            ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("weather?")
                .addMessage(assistant)
                .addMessage(answer(first, "sunny"))
                .addUserMessage("and?")
                .build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.getMessage()).contains(UNANSWERED + second).doesNotContain(first);
          assertThat(e.type()).contains("invalid_request_error");
          assertThat(e.param()).contains("messages.[3].role");
        });

    // no answer at all, and the conversation ends there: both ids, param "messages"
    assertThatThrownBy(() -> client.chat().completions().create(
            ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("weather?")
                .addMessage(assistant)
                .build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.getMessage()).contains(UNANSWERED + first + ", " + second);
          assertThat(e.param()).contains("messages");
        });

    // the fake kept serving, and the refused calls were journalled as 400s
    List<Entry> requests = fake.journal().requests();
    assertThat(requests).extracting(Entry::status).containsExactly(200, 400, 400);
  }
}
