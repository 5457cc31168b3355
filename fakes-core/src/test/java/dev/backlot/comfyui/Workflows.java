package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;

/** Prompts used by the tests, in ComfyUI's API format. */
final class Workflows {

  private Workflows() {}

  /** The graph of ComfyUI's {@code script_examples/websockets_api_example.py}, verbatim. */
  static final String EXAMPLE = """
      {
          "3": {
              "class_type": "KSampler",
              "inputs": {
                  "cfg": 8,
                  "denoise": 1,
                  "latent_image": ["5", 0],
                  "model": ["4", 0],
                  "negative": ["7", 0],
                  "positive": ["6", 0],
                  "sampler_name": "euler",
                  "scheduler": "normal",
                  "seed": 8566257,
                  "steps": 20
              }
          },
          "4": {
              "class_type": "CheckpointLoaderSimple",
              "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}
          },
          "5": {
              "class_type": "EmptyLatentImage",
              "inputs": {"batch_size": 1, "height": 512, "width": 512}
          },
          "6": {
              "class_type": "CLIPTextEncode",
              "inputs": {"clip": ["4", 1], "text": "masterpiece best quality girl"}
          },
          "7": {
              "class_type": "CLIPTextEncode",
              "inputs": {"clip": ["4", 1], "text": "bad hands"}
          },
          "8": {
              "class_type": "VAEDecode",
              "inputs": {"samples": ["3", 0], "vae": ["4", 2]}
          },
          "9": {
              "class_type": "SaveImage",
              "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}
          }
      }
      """;

  /** The example as the script sends it: positive text and seed changed. */
  static ObjectNode example() {
    ObjectNode p = (ObjectNode) Json.parse(EXAMPLE);
    ((ObjectNode) p.get("6").get("inputs")).put("text", "masterpiece best quality man");
    ((ObjectNode) p.get("3").get("inputs")).put("seed", 5);
    return p;
  }

  /** The example with a small image, {@code steps} sampler steps and a seed (fast to render). */
  static ObjectNode small(long seed, int steps) {
    ObjectNode p = example();
    ObjectNode latent = (ObjectNode) p.get("5").get("inputs");
    latent.put("width", 64);
    latent.put("height", 64);
    ObjectNode sampler = (ObjectNode) p.get("3").get("inputs");
    sampler.put("seed", seed);
    sampler.put("steps", steps);
    return p;
  }

  /** {@code websockets_api_example_ws_images.py}: SaveImage replaced by SaveImageWebsocket. */
  static ObjectNode websocketImages() {
    ObjectNode p = example();
    p.remove("9");
    ObjectNode n = p.putObject("save_image_websocket_node");
    n.put("class_type", "SaveImageWebsocket");
    n.putObject("inputs").putArray("images").add("8").add(0);
    return p;
  }
}
