package org.civicos.workers.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP pass-through that can be shut like a database outage: {@link #down()} resets every open connection and
 * refuses new ones until {@link #up()}. Put it between a worker and PostgreSQL to lose the database at an exact
 * moment (right after an email was accepted, say) and get it back later.
 */
public final class TcpGate implements AutoCloseable {
  private final ServerSocket server;
  private final String upstreamHost;
  private final int upstreamPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean down;

  private TcpGate(String upstreamHost, int upstreamPort) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    Thread.ofVirtual().name("tcp-gate-accept").start(this::acceptLoop);
  }

  public static TcpGate start(String upstreamHost, int upstreamPort) {
    try {
      return new TcpGate(upstreamHost, upstreamPort);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open a local port for the gate", e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Resets every open connection and refuses new ones. */
  public void down() {
    down = true;
    for (Socket socket : open) {
      reset(socket);
    }
  }

  public void up() {
    down = false;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      if (down) {
        reset(client);
        continue;
      }
      try {
        Socket upstream = new Socket(upstreamHost, upstreamPort);
        open.add(client);
        open.add(upstream);
        Thread.ofVirtual().start(() -> pump(client, upstream));
        Thread.ofVirtual().start(() -> pump(upstream, client));
      } catch (IOException e) {
        reset(client);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // either side went away: take the other one down too
    } finally {
      reset(from);
      reset(to);
    }
  }

  private void reset(Socket socket) {
    open.remove(socket);
    try {
      socket.setSoLinger(true, 0); // RST, as a dropped network path or a killed server looks to the driver
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    down();
    try {
      server.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
