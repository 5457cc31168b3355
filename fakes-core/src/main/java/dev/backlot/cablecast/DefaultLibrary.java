package dev.backlot.cablecast;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The library a bare fake serves: one location, three channels, four categories, three
 * producers, two projects, one VOD configuration, twelve shows (one to three reels each), VODs
 * Ready for the first seven shows, and a week of schedule items from midnight today (on the
 * fake's clock): every channel runs a show every two hours from 06:00 to 22:00, each channel
 * cycling through the shows from its own starting point. Everything is stamped (show {@code
 * lastModified}, VOD transaction times) at that midnight: same clock day, same library.
 */
final class DefaultLibrary {

  static final int SHOWS = 12;
  static final int VODS = 7;
  static final int DAYS = 7;
  static final int[] HOURS = {6, 8, 10, 12, 14, 16, 18, 20, 22};

  private static final String[][] SHOW_DATA = {
    // title, category index, producer index, project index (-1 none), reel minutes...
    {"City Council Meeting", "0", "0", "0", "58", "61", "34"},
    {"School Committee Meeting", "1", "1", "-1", "90", "32"},
    {"Planning Board", "0", "0", "0", "47"},
    {"Library Story Hour", "2", "2", "1", "28"},
    {"High School Football: Tigers vs. Hawks", "3", "1", "-1", "60", "60"},
    {"Community Calendar", "2", "2", "1", "15"},
    {"Conservation Commission", "0", "0", "0", "52"},
    {"Senior Center Cooking", "2", "2", "1", "29"},
    {"Board of Health", "0", "0", "-1", "41"},
    {"Graduation Ceremony", "1", "1", "-1", "95", "40"},
    {"Veterans Day Parade", "2", "2", "1", "48"},
    {"Town Meeting", "0", "0", "0", "120", "75", "30"},
  };

  private DefaultLibrary() {}

  static void populate(CablecastLibrary lib) {
    long studio = lib.location("Main Studio");
    List<Long> channels = List.of(
        lib.channel("Government Channel 16", studio),
        lib.channel("Education Channel 17", studio),
        lib.channel("Public Access Channel 18", studio));
    List<Long> categories = List.of(
        lib.category("Government", studio),
        lib.category("Education", studio),
        lib.category("Community", studio),
        lib.category("Sports", studio));
    List<Long> producers = List.of(
        lib.producer("Town Clerk's Office", "clerk@example.org", studio),
        lib.producer("School District Media", "media@schools.example.org", studio),
        lib.producer("Community Volunteers", "volunteers@example.org", studio));
    List<Long> projects = List.of(
        lib.project("Public Meetings", "Recorded meetings of town boards", producers.get(0), studio),
        lib.project("Around Town", "Community life and events", producers.get(2), studio));
    lib.vodConfiguration("Default VOD (H.264 720p)", studio);

    Instant today = lib.today();
    List<Long> shows = new ArrayList<>();
    for (int i = 0; i < SHOW_DATA.length; i++) {
      String[] d = SHOW_DATA[i];
      CablecastLibrary.ShowSpec s = lib.show(d[0])
          .comments("Recorded by the station. Episode " + (i + 1) + ".")
          .eventDate(today.minus(Duration.ofDays(3L * (i + 1))).plus(Duration.ofHours(19)))
          .location(studio)
          .category(categories.get(Integer.parseInt(d[1])))
          .producer(producers.get(Integer.parseInt(d[2])));
      int project = Integer.parseInt(d[3]);
      if (project >= 0) {
        s.project(projects.get(project));
      }
      for (int r = 4; r < d.length; r++) {
        s.reel(Integer.parseInt(d[r]) * 60);
      }
      shows.add(s.create());
    }
    for (int i = 0; i < VODS; i++) {
      lib.readyVod(shows.get(i));
    }
    for (int day = 0; day < DAYS; day++) {
      for (int c = 0; c < channels.size(); c++) {
        for (int h = 0; h < HOURS.length; h++) {
          long show = shows.get((day * HOURS.length + h + 4 * c) % shows.size());
          lib.scheduleItem(channels.get(c), show,
              today.plus(Duration.ofDays(day)).plus(Duration.ofHours(HOURS[h])));
        }
      }
    }
  }
}
