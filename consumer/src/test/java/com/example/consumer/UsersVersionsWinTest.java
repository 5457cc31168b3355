package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.cfg.PackageVersion;
import org.junit.jupiter.api.Test;

/** The user's build decides the versions: Backlot forces neither JUnit nor Jackson. */
class UsersVersionsWinTest {

  @Test
  void jacksonIsTheUsersVersion() {
    assertEquals(System.getProperty("expected.jackson"), PackageVersion.VERSION.toString());
  }

  @Test
  void junitIsTheUsersVersion() {
    String jupiter = org.junit.jupiter.api.Test.class.getPackage().getImplementationVersion();
    assertEquals(System.getProperty("expected.junit"), jupiter);
  }
}
