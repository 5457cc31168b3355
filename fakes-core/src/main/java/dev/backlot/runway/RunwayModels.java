package dev.backlot.runway;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The models each Runway task route accepts, with the fields they require, the {@code ratio}
 * values, the {@code duration} rule and the {@code resolution} values, as {@code @runwayml/sdk}
 * 4.20.1 types them (plus {@code veo3}, which older docs list). Facts about the API, written as
 * one row per route and model.
 */
final class RunwayModels {

  /** How a model takes {@code duration}. */
  enum DurationKind {
    /** No duration field: the output runs {@link #DEFAULT_SECONDS}. */
    NONE,
    /** Any whole number of seconds from 1 to {@link #MAX_ANY_SECONDS}. */
    ANY,
    /** A whole number in {@code [min, max]}. */
    RANGE,
    /** One of a few values. */
    ONE_OF
  }

  static final int DEFAULT_SECONDS = 5;
  static final int MAX_ANY_SECONDS = 30;

  /** One model of one route. */
  record Model(
      String route,
      String name,
      Set<String> required,
      boolean hasRatio,
      List<String> ratios,
      DurationKind duration,
      List<Integer> durations,
      boolean auto,
      List<String> resolutions) {

    /** The output length when the request names none (or says {@code auto}). */
    int defaultSeconds() {
      return switch (duration) {
        case NONE, ANY -> DEFAULT_SECONDS;
        case RANGE -> Math.max(durations.get(0), Math.min(DEFAULT_SECONDS, durations.get(1)));
        case ONE_OF -> durations.get(durations.size() - 1);
      };
    }

    int maxSeconds() {
      return duration == DurationKind.ANY || duration == DurationKind.NONE
          ? MAX_ANY_SECONDS : durations.get(durations.size() - 1);
    }

    /** Credits per second of output (the fake's estimate; Runway's prices vary by plan). */
    int creditsPerSecond() {
      return switch (name) {
        case "gen4_turbo", "act_two" -> 5;
        case "gen4.5" -> 12;
        case "veo3", "veo3.1" -> 40;
        case "veo3.1_fast" -> 15;
        default -> 10;
      };
    }
  }

  private static final Map<String, Map<String, Model>> BY_ROUTE = new LinkedHashMap<>();

  static {
    List<Model> all = List.of(
      row("image_to_video", "gen4.5", "duration,promptImage,promptText,ratio", "1280:720,720:1280,1104:832,960:960,832:1104,1584:672", "range 2-10 required", ""),
      row("image_to_video", "gen4_turbo", "promptImage,ratio", "1280:720,720:1280,1104:832,832:1104,960:960,1584:672", "any", ""),
      row("image_to_video", "veo3.1", "promptImage,ratio", "1280:720,720:1280,1080:1920,1920:1080", "one of 4|6|8", ""),
      row("image_to_video", "veo3.1_fast", "promptImage,ratio", "1280:720,720:1280,1080:1920,1920:1080", "one of 4|6|8", ""),
      row("image_to_video", "hailuo3", "promptImage,promptText", "adaptive,21:9,16:9,4:3,1:1,3:4,9:16?", "any", "768p,2k,768P,2K"),
      row("image_to_video", "happyhorse_1_0", "promptImage", "", "any", "720p,1080p,720P,1080P"),
      row("image_to_video", "seedance2", "promptImage", "992:432,864:496,752:560,640:640,560:752,496:864,1470:630,1280:720,1112:834,960:960,834:1112,720:1280,2206:946,1920:1080,1664:1248,1440:1440,1248:1664,1080:1920,3840:1646,3840:2160,3840:2880,3840:3840,2880:3840,2160:3840?", "any auto", ""),
      row("image_to_video", "seedance2_fast", "promptImage", "992:432,864:496,752:560,640:640,560:752,496:864,1470:630,1280:720,1112:834,960:960,834:1112,720:1280?", "any auto", ""),
      row("image_to_video", "seedance2_mini", "promptImage", "992:432,864:496,752:560,640:640,560:752,496:864,1470:630,1280:720,1112:834,960:960,834:1112,720:1280?", "any auto", ""),
      row("image_to_video", "gemini_omni_flash", "promptImage", "1280:720,720:1280?", "range 3-10", ""),
      row("image_to_video", "seedance2_5", "promptImage", "992:432,854:480,752:560,640:640,560:752,480:854,1470:630,1280:720,1112:834,960:960,834:1112,720:1280,2206:946,1920:1080,1664:1248,1440:1440,1248:1664,1080:1920?", "any auto", ""),
      row("image_to_video", "grok_imagine_1_5", "promptImage", "", "any", "480p,720p,1080p"),
      row("image_to_video", "wan3", "promptImage,promptText", "832:480,720:544,624:624,544:720,480:832,1280:720,1104:832,960:960,832:1104,720:1280,1920:1080,1648:1248,1440:1440,1248:1648,1080:1920,auto_480p,auto_720p,auto_1080p?", "any", ""),
      row("image_to_video", "gemini_omni_flash_1.1", "promptImage,promptText", "640:360,360:640,1280:720,720:1280,1920:1080,1080:1920,3840:2160,2160:3840?", "range 3-10 auto", ""),
      row("image_to_video", "wan3_prime", "promptImage,promptText", "832:480,720:544,624:624,544:720,480:832,1280:720,1104:832,960:960,832:1104,720:1280,1920:1080,1648:1248,1440:1440,1248:1648,1080:1920,auto_480p,auto_720p,auto_1080p?", "any", ""),
      row("image_to_video", "h3_max", "promptImage,promptText", "", "any", "480p,768p"),
      row("text_to_video", "gen4.5", "duration,promptText,ratio", "1280:720,720:1280", "range 2-10 required", ""),
      row("text_to_video", "veo3.1", "promptText,ratio", "1280:720,720:1280,1080:1920,1920:1080", "one of 4|6|8", ""),
      row("text_to_video", "veo3.1_fast", "promptText,ratio", "1280:720,720:1280,1080:1920,1920:1080", "one of 4|6|8", ""),
      row("text_to_video", "hailuo3", "promptText", "adaptive,21:9,16:9,4:3,1:1,3:4,9:16?", "any", "768p,2k,768P,2K"),
      row("text_to_video", "happyhorse_1_0", "promptText", "1280:720,720:1280,960:960,1108:832,832:1108,1920:1080,1080:1920,1440:1440,1662:1248,1248:1662?", "any", ""),
      row("text_to_video", "seedance2", "promptText", "992:432,864:496,752:560,640:640,560:752,496:864,1470:630,1280:720,1112:834,960:960,834:1112,720:1280,2206:946,1920:1080,1664:1248,1440:1440,1248:1664,1080:1920,3840:1646,3840:2160,3840:2880,3840:3840,2880:3840,2160:3840?", "any auto", ""),
      row("text_to_video", "seedance2_fast", "promptText", "992:432,864:496,752:560,640:640,560:752,496:864,1470:630,1280:720,1112:834,960:960,834:1112,720:1280?", "any auto", ""),
      row("text_to_video", "seedance2_mini", "promptText", "992:432,864:496,752:560,640:640,560:752,496:864,1470:630,1280:720,1112:834,960:960,834:1112,720:1280?", "any auto", ""),
      row("text_to_video", "gemini_omni_flash", "promptText", "1280:720,720:1280?", "range 3-10", ""),
      row("text_to_video", "seedance2_5", "", "992:432,854:480,752:560,640:640,560:752,480:854,1470:630,1280:720,1112:834,960:960,834:1112,720:1280,2206:946,1920:1080,1664:1248,1440:1440,1248:1664,1080:1920?", "any auto", ""),
      row("text_to_video", "grok_imagine_1_5", "promptText", "1:1,16:9,9:16,4:3,3:4,3:2,2:3?", "any", "480p,720p,1080p"),
      row("text_to_video", "wan3", "promptText", "832:480,720:544,624:624,544:720,480:832,1280:720,1104:832,960:960,832:1104,720:1280,1920:1080,1648:1248,1440:1440,1248:1648,1080:1920,auto_480p,auto_720p,auto_1080p?", "any", ""),
      row("text_to_video", "gemini_omni_flash_1.1", "promptText", "640:360,360:640,1280:720,720:1280,1920:1080,1080:1920,3840:2160,2160:3840?", "range 3-10 auto", ""),
      row("text_to_video", "wan3_prime", "promptText", "832:480,720:544,624:624,544:720,480:832,1280:720,1104:832,960:960,832:1104,720:1280,1920:1080,1648:1248,1440:1440,1248:1648,1080:1920,auto_480p,auto_720p,auto_1080p?", "any", ""),
      row("text_to_video", "h3_max", "promptText", "", "any", "480p,768p"),
      row("video_to_video", "aleph2", "videoUri", "?", "", ""),
      row("video_to_video", "hailuo3", "promptText,promptVideo", "adaptive,21:9,16:9,4:3,1:1,3:4,9:16?", "any", "768p,2k,768P,2K"),
      row("video_to_video", "seedance2", "promptVideo", "992:432,864:496,752:560,640:640,560:752,496:864,1470:630,1280:720,1112:834,960:960,834:1112,720:1280,2206:946,1920:1080,1664:1248,1440:1440,1248:1664,1080:1920,3840:1646,3840:2160,3840:2880,3840:3840,2880:3840,2160:3840?", "any auto", ""),
      row("video_to_video", "seedance2_fast", "promptVideo", "992:432,864:496,752:560,640:640,560:752,496:864,1470:630,1280:720,1112:834,960:960,834:1112,720:1280?", "any auto", ""),
      row("video_to_video", "seedance2_mini", "promptVideo", "992:432,864:496,752:560,640:640,560:752,496:864,1470:630,1280:720,1112:834,960:960,834:1112,720:1280?", "any auto", ""),
      row("video_to_video", "gemini_omni_flash", "promptText,videoUri", "", "", ""),
      row("video_to_video", "seedance2_5", "promptVideo", "992:432,854:480,752:560,640:640,560:752,480:854,1470:630,1280:720,1112:834,960:960,834:1112,720:1280,2206:946,1920:1080,1664:1248,1440:1440,1248:1664,1080:1920?", "any auto", ""),
      row("video_to_video", "gemini_omni_flash_1.1", "promptText,videoUri", "640:360,360:640,1280:720,720:1280,1920:1080,1080:1920,3840:2160,2160:3840?", "any auto", ""),
      row("video_upscale", "magnific_video_upscaler_creative", "videoUri", "", "", "720p,1k,2k,4k"),
      row("video_upscale", "enhance_frame_rate", "targetFramerate,videoUri", "", "", ""),
      row("character_performance", "act_two", "character,reference", "1280:720,720:1280,960:960,1104:832,832:1104,1584:672?", "", ""),
      row("image_to_video", "veo3", "promptImage,ratio", "1280:720,720:1280,1080:1920,1920:1080", "one of 8", ""),
      row("text_to_video", "veo3", "promptText,ratio", "1280:720,720:1280,1080:1920,1920:1080", "one of 8", ""));
    for (Model m : all) {
      BY_ROUTE.computeIfAbsent(m.route(), r -> new LinkedHashMap<>()).put(m.name(), m);
    }
  }

  private RunwayModels() {}

  /** The task routes faked ({@code image_to_video}, {@code text_to_video}, ...). */
  static Set<String> routes() {
    return Collections.unmodifiableSet(BY_ROUTE.keySet());
  }

  /** The models of {@code route}, by name. */
  static Map<String, Model> of(String route) {
    return Collections.unmodifiableMap(BY_ROUTE.getOrDefault(route, Map.of()));
  }

  private static Model row(String route, String name, String required, String ratios, String duration, String resolutions) {
    Set<String> req = new LinkedHashSet<>(split(required));
    boolean hasRatio = !ratios.isEmpty();
    boolean ratioOptional = ratios.endsWith("?");
    List<String> r = split(ratioOptional ? ratios.substring(0, ratios.length() - 1) : ratios);
    if (hasRatio && !ratioOptional) {
      req.add("ratio");
    }
    DurationKind kind = DurationKind.NONE;
    List<Integer> values = new ArrayList<>();
    if (duration.startsWith("any")) {
      kind = DurationKind.ANY;
    } else if (duration.startsWith("range ")) {
      kind = DurationKind.RANGE;
      String[] lohi = duration.split(" ")[1].split("-");
      values.add(Integer.parseInt(lohi[0]));
      values.add(Integer.parseInt(lohi[1]));
    } else if (duration.startsWith("one of ")) {
      kind = DurationKind.ONE_OF;
      for (String v : duration.split(" ")[2].split("\\|")) {
        values.add(Integer.parseInt(v));
      }
    }
    if (duration.contains("required")) {
      req.add("duration");
    }
    return new Model(route, name, Collections.unmodifiableSet(req), hasRatio, List.copyOf(r), kind,
        List.copyOf(values), duration.contains("auto"), List.copyOf(split(resolutions)));
  }

  private static List<String> split(String csv) {
    return csv.isEmpty() ? List.of() : Arrays.asList(csv.split(","));
  }
}
