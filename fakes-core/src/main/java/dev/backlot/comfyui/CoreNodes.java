package dev.backlot.comfyui;

import static dev.backlot.comfyui.NodeType.ordered;

import java.math.BigInteger;
import java.util.List;

/**
 * The default catalogue: ComfyUI 0.3.64's common core nodes with their real input specs, outputs,
 * categories and descriptions (from {@code nodes.py}), plus the {@code SaveImageWebsocket} custom
 * node that ships in the ComfyUI repository for API users.
 */
final class CoreNodes {

  private CoreNodes() {}

  static final List<String> SAMPLERS = List.of(
      "euler", "euler_cfg_pp", "euler_ancestral", "euler_ancestral_cfg_pp", "heun", "heunpp2",
      "dpm_2", "dpm_2_ancestral", "lms", "dpm_fast", "dpm_adaptive", "dpmpp_2s_ancestral",
      "dpmpp_2s_ancestral_cfg_pp", "dpmpp_sde", "dpmpp_sde_gpu", "dpmpp_2m", "dpmpp_2m_cfg_pp",
      "dpmpp_2m_sde", "dpmpp_2m_sde_gpu", "dpmpp_2m_sde_heun", "dpmpp_2m_sde_heun_gpu",
      "dpmpp_3m_sde", "dpmpp_3m_sde_gpu", "ddpm", "lcm", "ipndm", "ipndm_v", "deis",
      "res_multistep", "res_multistep_cfg_pp", "res_multistep_ancestral",
      "res_multistep_ancestral_cfg_pp", "gradient_estimation", "gradient_estimation_cfg_pp",
      "er_sde", "seeds_2", "seeds_3", "sa_solver", "sa_solver_pece", "ddim", "uni_pc",
      "uni_pc_bh2");

  static final List<String> SCHEDULERS = List.of(
      "simple", "sgm_uniform", "karras", "exponential", "ddim_uniform", "beta", "normal",
      "linear_quadratic", "kl_optimal");

  static final int MAX_RESOLUTION = 16384;
  private static final BigInteger SEED_MAX = new BigInteger("18446744073709551615");

  static List<NodeType> all() {
    return List.of(
        ksampler(), checkpointLoaderSimple(), clipTextEncode(), clipSetLastLayer(), vaeDecode(),
        vaeEncode(), vaeLoader(), emptyLatentImage(), latentUpscale(), saveImage(),
        previewImage(), loadImage(), imageScale(), loraLoader(), ksamplerAdvanced(),
        saveImageWebsocket());
  }

  private static NodeType.Builder core(String name, String display, String category) {
    return NodeType.builder(name).displayName(display).category(category).pythonModule("nodes");
  }

  static NodeType ksampler() {
    return core("KSampler", "KSampler", "sampling")
        .required("model", "MODEL", ordered("tooltip", "The model used for denoising the input latent."))
        .required("seed", "INT", ordered("default", 0, "min", 0, "max", SEED_MAX,
            "control_after_generate", true, "tooltip", "The random seed used for creating the noise."))
        .required("steps", "INT", ordered("default", 20, "min", 1, "max", 10000,
            "tooltip", "The number of steps used in the denoising process."))
        .required("cfg", "FLOAT", ordered("default", 8.0, "min", 0.0, "max", 100.0, "step", 0.1,
            "round", 0.01, "tooltip", "The Classifier-Free Guidance scale balances creativity and "
                + "adherence to the prompt. Higher values result in images more closely matching the "
                + "prompt however too high values will negatively impact quality."))
        .requiredCombo("sampler_name", SAMPLERS.toArray(String[]::new))
        .options("sampler_name", ordered("tooltip", "The algorithm used when sampling, this can "
            + "affect the quality, speed, and style of the generated output."))
        .requiredCombo("scheduler", SCHEDULERS.toArray(String[]::new))
        .options("scheduler", ordered("tooltip",
            "The scheduler controls how noise is gradually removed to form the image."))
        .required("positive", "CONDITIONING", ordered("tooltip",
            "The conditioning describing the attributes you want to include in the image."))
        .required("negative", "CONDITIONING", ordered("tooltip",
            "The conditioning describing the attributes you want to exclude from the image."))
        .required("latent_image", "LATENT", ordered("tooltip", "The latent image to denoise."))
        .required("denoise", "FLOAT", ordered("default", 1.0, "min", 0.0, "max", 1.0, "step", 0.01,
            "tooltip", "The amount of denoising applied, lower values will maintain the structure "
                + "of the initial image allowing for image to image sampling."))
        .outputs("LATENT")
        .outputTooltips("The denoised latent.")
        .description("Uses the provided model, positive and negative conditioning to denoise the "
            + "latent image.")
        .sampler()
        .build();
  }

  static NodeType ksamplerAdvanced() {
    return core("KSamplerAdvanced", "KSampler (Advanced)", "sampling")
        .required("model", "MODEL")
        .requiredCombo("add_noise", "enable", "disable")
        .required("noise_seed", "INT", ordered("default", 0, "min", 0, "max", SEED_MAX,
            "control_after_generate", true))
        .required("steps", "INT", ordered("default", 20, "min", 1, "max", 10000))
        .required("cfg", "FLOAT", ordered("default", 8.0, "min", 0.0, "max", 100.0, "step", 0.1,
            "round", 0.01))
        .requiredCombo("sampler_name", SAMPLERS.toArray(String[]::new))
        .requiredCombo("scheduler", SCHEDULERS.toArray(String[]::new))
        .required("positive", "CONDITIONING")
        .required("negative", "CONDITIONING")
        .required("latent_image", "LATENT")
        .required("start_at_step", "INT", ordered("default", 0, "min", 0, "max", 10000))
        .required("end_at_step", "INT", ordered("default", 10000, "min", 0, "max", 10000))
        .requiredCombo("return_with_leftover_noise", "disable", "enable")
        .outputs("LATENT")
        .sampler()
        .build();
  }

  static NodeType checkpointLoaderSimple() {
    return core("CheckpointLoaderSimple", "Load Checkpoint", "loaders")
        .requiredModel("ckpt_name", "checkpoints")
        .options("ckpt_name", ordered("tooltip", "The name of the checkpoint (model) to load."))
        .outputs("MODEL", "CLIP", "VAE")
        .outputTooltips("The model used for denoising latents.",
            "The CLIP model used for encoding text prompts.",
            "The VAE model used for encoding and decoding images to and from latent space.")
        .description("Loads a diffusion model checkpoint, diffusion models are used to denoise "
            + "latents.")
        .build();
  }

  static NodeType clipTextEncode() {
    return core("CLIPTextEncode", "CLIP Text Encode (Prompt)", "conditioning")
        .required("text", "STRING", ordered("multiline", true, "dynamicPrompts", true,
            "tooltip", "The text to be encoded."))
        .required("clip", "CLIP", ordered("tooltip", "The CLIP model used for encoding the text."))
        .outputs("CONDITIONING")
        .outputTooltips("A conditioning containing the embedded text used to guide the diffusion "
            + "model.")
        .description("Encodes a text prompt using a CLIP model into an embedding that can be used "
            + "to guide the diffusion model towards generating specific images.")
        .build();
  }

  static NodeType clipSetLastLayer() {
    return core("CLIPSetLastLayer", "CLIP Set Last Layer", "conditioning")
        .required("clip", "CLIP")
        .required("stop_at_clip_layer", "INT", ordered("default", -1, "min", -24, "max", -1,
            "step", 1))
        .outputs("CLIP")
        .build();
  }

  static NodeType vaeDecode() {
    return core("VAEDecode", "VAE Decode", "latent")
        .required("samples", "LATENT", ordered("tooltip", "The latent to be decoded."))
        .required("vae", "VAE", ordered("tooltip", "The VAE model used for decoding the latent."))
        .outputs("IMAGE")
        .outputTooltips("The decoded image.")
        .description("Decodes latent images back into pixel space images.")
        .build();
  }

  static NodeType vaeEncode() {
    return core("VAEEncode", "VAE Encode", "latent")
        .required("pixels", "IMAGE")
        .required("vae", "VAE")
        .outputs("LATENT")
        .build();
  }

  static NodeType vaeLoader() {
    return core("VAELoader", "Load VAE", "loaders")
        .requiredModel("vae_name", "vae")
        .outputs("VAE")
        .build();
  }

  static NodeType emptyLatentImage() {
    return core("EmptyLatentImage", "Empty Latent Image", "latent")
        .required("width", "INT", ordered("default", 512, "min", 16, "max", MAX_RESOLUTION,
            "step", 8, "tooltip", "The width of the latent images in pixels."))
        .required("height", "INT", ordered("default", 512, "min", 16, "max", MAX_RESOLUTION,
            "step", 8, "tooltip", "The height of the latent images in pixels."))
        .required("batch_size", "INT", ordered("default", 1, "min", 1, "max", 4096,
            "tooltip", "The number of latent images in the batch."))
        .outputs("LATENT")
        .outputTooltips("The empty latent image batch.")
        .description("Create a new batch of empty latent images to be denoised via sampling.")
        .build();
  }

  static NodeType latentUpscale() {
    return core("LatentUpscale", "Upscale Latent", "latent")
        .required("samples", "LATENT")
        .requiredCombo("upscale_method", "nearest-exact", "bilinear", "area", "bicubic", "bislerp")
        .required("width", "INT", ordered("default", 512, "min", 0, "max", MAX_RESOLUTION, "step", 8))
        .required("height", "INT", ordered("default", 512, "min", 0, "max", MAX_RESOLUTION, "step", 8))
        .requiredCombo("crop", "disabled", "center")
        .outputs("LATENT")
        .build();
  }

  static NodeType imageScale() {
    return core("ImageScale", "Upscale Image", "image/upscaling")
        .required("image", "IMAGE")
        .requiredCombo("upscale_method", "nearest-exact", "bilinear", "area", "bicubic", "lanczos")
        .required("width", "INT", ordered("default", 512, "min", 0, "max", MAX_RESOLUTION, "step", 1))
        .required("height", "INT", ordered("default", 512, "min", 0, "max", MAX_RESOLUTION, "step", 1))
        .requiredCombo("crop", "disabled", "center")
        .outputs("IMAGE")
        .build();
  }

  static NodeType loraLoader() {
    return core("LoraLoader", "Load LoRA", "loaders")
        .required("model", "MODEL", ordered("tooltip",
            "The diffusion model the LoRA will be applied to."))
        .required("clip", "CLIP", ordered("tooltip", "The CLIP model the LoRA will be applied to."))
        .requiredModel("lora_name", "loras")
        .options("lora_name", ordered("tooltip", "The name of the LoRA."))
        .required("strength_model", "FLOAT", ordered("default", 1.0, "min", -100.0, "max", 100.0,
            "step", 0.01, "tooltip",
            "How strongly to modify the diffusion model. This value can be negative."))
        .required("strength_clip", "FLOAT", ordered("default", 1.0, "min", -100.0, "max", 100.0,
            "step", 0.01, "tooltip", "How strongly to modify the CLIP model. This value can be negative."))
        .outputs("MODEL", "CLIP")
        .outputTooltips("The modified diffusion model.", "The modified CLIP model.")
        .description("LoRAs are used to modify diffusion and CLIP models, altering the way in which "
            + "latents are denoised such as applying styles. Multiple LoRA nodes can be linked "
            + "together.")
        .build();
  }

  static NodeType saveImage() {
    return core("SaveImage", "Save Image", "image")
        .required("images", "IMAGE", ordered("tooltip", "The images to save."))
        .required("filename_prefix", "STRING", ordered("default", "ComfyUI", "tooltip",
            "The prefix for the file to save. This may include formatting information such as "
                + "%date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes."))
        .hidden("prompt", "PROMPT")
        .hidden("extra_pnginfo", "EXTRA_PNGINFO")
        .outputs()
        .description("Saves the input images to your ComfyUI output directory.")
        .savesImages("output")
        .build();
  }

  static NodeType previewImage() {
    return core("PreviewImage", "Preview Image", "image")
        .required("images", "IMAGE")
        .hidden("prompt", "PROMPT")
        .hidden("extra_pnginfo", "EXTRA_PNGINFO")
        .outputs()
        .description("Saves the input images to your ComfyUI output directory.")
        .savesImages("temp")
        .build();
  }

  static NodeType loadImage() {
    return core("LoadImage", "Load Image", "image")
        .requiredInputImage("image")
        .outputs("IMAGE", "MASK")
        .build();
  }

  static NodeType saveImageWebsocket() {
    return NodeType.builder("SaveImageWebsocket")
        .required("images", "IMAGE")
        .outputs()
        .category("api/image")
        .pythonModule("custom_nodes.websocket_image_save")
        .sendsImagesOverWebSocket()
        .build();
  }
}
