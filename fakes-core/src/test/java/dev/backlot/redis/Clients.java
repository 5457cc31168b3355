package dev.backlot.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.net.URI;
import java.time.Duration;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/** Clients configured for a slow, noisy test machine: generous timeouts everywhere. */
final class Clients {

  static final int SOCKET_TIMEOUT_MS = 30_000;

  private Clients() {}

  static JedisClientConfig jedisConfig() {
    return DefaultJedisClientConfig.builder()
        .socketTimeoutMillis(SOCKET_TIMEOUT_MS)
        .connectionTimeoutMillis(10_000)
        .build();
  }

  static Jedis jedis(URI uri) {
    return new Jedis(new HostAndPort(uri.getHost(), uri.getPort()), jedisConfig());
  }

  /** Small, shared Lettuce resources: two IO threads. Shut down by the test class. */
  static ClientResources lettuceResources() {
    return DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
        .build();
  }

  static RedisClient lettuce(ClientResources resources, URI uri) {
    RedisClient c = RedisClient.create(resources,
        RedisURI.builder().withHost(uri.getHost()).withPort(uri.getPort())
            .withTimeout(Duration.ofSeconds(30)).build());
    c.setOptions(ClientOptions.builder()
        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(10)).build())
        .build());
    return c;
  }
}
