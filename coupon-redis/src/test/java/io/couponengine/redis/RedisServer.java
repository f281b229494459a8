package io.couponengine.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A real redis-server process started by a test, from the binaries shipped in the
 * {@code com.github.codemonstur:embedded-redis} artifact (test class path), on a random free loopback port and its own
 * temporary directory. Never a mock. Public (coupon-redis's test-jar) so other modules' tests can start servers of
 * their own to stop, kill or pause ({@link #pid()} for {@code kill -STOP}).
 */
public final class RedisServer implements AutoCloseable {
  private static Path binary;

  private final int port;
  private final Path dir;
  private final List<String> extra;
  private Process process;

  private RedisServer(int port, Path dir, List<String> extra) {
    this.port = port;
    this.dir = dir;
    this.extra = extra;
  }

  /**
   * Starts a server.
   *
   * @param extra extra {@code --option value} arguments
   * @return the running server
   * @throws IllegalStateException when no binary fits this machine or it does not start
   */
  public static RedisServer start(String... extra) {
    try {
      RedisServer s = new RedisServer(freePort(), Files.createTempDirectory("coupon-redis-"), List.of(extra));
      s.launch();
      return s;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server: " + e, e);
    }
  }

  static synchronized Path binary() throws IOException {
    if (binary != null) {
      return binary;
    }
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String name;
    if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
      name = "redis-server-6.2.6-v5-linux-amd64";
    } else if (os.contains("linux") && arch.equals("aarch64")) {
      name = "redis-server-6.2.7-linux-arm64";
    } else if (os.contains("mac") && arch.equals("aarch64")) {
      name = "redis-server-6.2.6-v5-darwin-arm64";
    } else if (os.contains("mac")) {
      name = "redis-server-6.2.6-v5-darwin-amd64";
    } else {
      throw new IOException("no redis-server binary in embedded-redis for " + os + "/" + arch);
    }
    try (InputStream in = RedisServer.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IOException("embedded-redis resource " + name + " missing from the test class path");
      }
      Path out = Files.createTempFile("redis-server-", "");
      Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
      if (!out.toFile().setExecutable(true)) {
        throw new IOException("cannot make " + out + " executable");
      }
      out.toFile().deleteOnExit();
      binary = out;
      return out;
    }
  }

  private void launch() throws IOException {
    List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no",
        "--protected-mode", "no", "--daemonize", "no"));
    cmd.addAll(extra);
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile()).start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("redis-server exited with " + process.exitValue() + ": "
            + Files.readString(dir.resolve("redis.log")));
      }
      try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", port))) {
        if ("PONG".equals(j.ping())) {
          return;
        }
      } catch (RuntimeException notYet) {
        sleep(20);
      }
    }
    throw new IOException("redis-server did not answer on port " + port);
  }

  /**
   * The server's port on 127.0.0.1.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * The operating-system process id of the running server, for signals such as {@code kill -STOP <pid>}.
   *
   * @return the pid
   */
  public long pid() {
    return process.pid();
  }

  /**
   * The server's address.
   *
   * @return 127.0.0.1 and the port
   */
  public HostAndPort hostAndPort() {
    return new HostAndPort("127.0.0.1", port);
  }

  /**
   * The server's URL.
   *
   * @return {@code redis://127.0.0.1:<port>}
   */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  Path dir() {
    return dir;
  }

  /** SIGKILL: no shutdown, no final fsync or save. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the server again on the same port and directory (it reloads its AOF/RDB from there). */
  void restart() {
    try {
      launch();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Kills the server (SIGKILL) and deletes its directory. */
  @Override
  public void close() {
    kill();
    File[] files = dir.toFile().listFiles();
    if (files != null) {
      for (File f : files) {
        deleteTree(f);
      }
    }
    dir.toFile().delete();
  }

  private static void deleteTree(File f) {
    File[] children = f.listFiles();
    if (children != null) {
      for (File c : children) {
        deleteTree(c);
      }
    }
    f.delete();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
