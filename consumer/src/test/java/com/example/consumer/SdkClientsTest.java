package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.backlot.gcs.GcsFake;
import dev.backlot.junit.BacklotTest;
import dev.backlot.openai.OpenAiFake;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Official SDKs, with the user's own Jackson and JUnit on the classpath. */
@BacklotTest
class SdkClientsTest {

  @Test
  void openAiJavaTalksToTheLiteLlmFake(OpenAiFake llm) {
    OpenAIClient client = OpenAIOkHttpClient.builder()
        .baseUrl(llm.baseUri() + "/v1").apiKey("sk-test").build();
    try {
      var reply = client.chat().completions().create(ChatCompletionCreateParams.builder()
          .model("gpt-4o-mini").addUserMessage("Write a haiku about snow").build());
      assertEquals(1, reply.choices().size());
      assertTrue(reply.choices().get(0).message().content().orElse("").length() > 0);
    } finally {
      client.close();
    }
  }

  @Test
  void googleCloudStorageRoundTripsAnObject(GcsFake gcs) {
    Storage storage = StorageOptions.newBuilder()
        .setHost(gcs.baseUri().toString())
        .setProjectId("test")
        .setCredentials(NoCredentials.getInstance())
        .build()
        .getService();
    storage.create(BucketInfo.of("renders"));
    byte[] bytes = "frame".getBytes(StandardCharsets.UTF_8);
    storage.create(BlobInfo.newBuilder(BlobId.of("renders", "a/b.txt")).build(), bytes);

    assertArrayEquals(bytes, storage.readAllBytes(BlobId.of("renders", "a/b.txt")));
  }
}
