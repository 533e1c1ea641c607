package org.civicos.workers.db;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import javax.net.SocketFactory;

/**
 * pgjdbc's sockets (its {@code socketFactory}), with a close that waits for the server to close its end first,
 * for at most {@link #WAIT}. pgjdbc's own close sends Terminate and drops the socket at once, while the backend
 * is still exiting: for a few milliseconds it keeps its {@code max_connections} slot and its row in
 * {@code pg_stat_activity}, and with {@code DB_RELEASE=evict} the thread that closed it is already connecting
 * to the next tenant. PostgreSQL releases both (shared-memory exit) before the process's socket closes, so
 * waiting for that end of file makes our count of open connections the server's: a poller with P threads never
 * occupies more than P slots. A server, proxy or pooler that does not close is given up on after the wait.
 */
public final class AwaitServerCloseSocketFactory extends SocketFactory {
  /** Longest wait for the server's end of file; a backend normally exits within a few milliseconds. */
  static final Duration WAIT = Duration.ofMillis(500);

  /** pgjdbc instantiates the factory by class name. */
  public AwaitServerCloseSocketFactory() {
  }

  @Override
  public Socket createSocket() {
    return new AwaitingSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
  }

  private static Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
    Socket socket = new AwaitingSocket();
    if (local != null) {
      socket.bind(local);
    }
    socket.connect(remote);
    return socket;
  }

  private static final class AwaitingSocket extends Socket {
    @Override
    public synchronized void close() throws IOException {
      if (isConnected() && !isClosed() && !isInputShutdown()) {
        awaitServerClose();
      }
      super.close();
    }

    private void awaitServerClose() {
      long deadline = System.nanoTime() + WAIT.toNanos();
      try {
        if (!isOutputShutdown()) {
          shutdownOutput(); // the server sees end of file even if no Terminate was sent
        }
        InputStream in = getInputStream();
        byte[] buffer = new byte[1024];
        while (true) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return;
          }
          setSoTimeout((int) Math.max(1, left / 1_000_000));
          if (in.read(buffer) < 0) {
            return;
          }
        }
      } catch (IOException e) {
        // timed out, reset or already gone: close anyway
      }
    }
  }
}
