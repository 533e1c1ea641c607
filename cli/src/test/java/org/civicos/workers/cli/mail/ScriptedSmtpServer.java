package org.civicos.workers.cli.mail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLSocket;

/**
 * A tiny SMTP server on a loopback port whose replies a test chooses (per command verb, and for the end of DATA),
 * for the conditions GreenMail cannot produce: 4xx/5xx replies, STARTTLS or implicit TLS (with {@link TestTls}'s
 * certificate), a server that stops answering after a given command. Records every command line it reads.
 */
final class ScriptedSmtpServer implements AutoCloseable {
  static final String DATA_END = "<data-end>";
  static final String SILENT = "<silent>";

  private final ServerSocket server;
  private final Map<String, String> replies = new HashMap<>();
  /** What the server speaks: plain SMTP, plain with STARTTLS offered, or TLS from the first byte. */
  enum Security { PLAIN, STARTTLS, IMPLICIT }

  private final Security security;
  private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
  private final List<String> clearCommands = Collections.synchronizedList(new ArrayList<>());
  private final List<String> messages = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean tlsUsed;
  private final Thread thread;

  ScriptedSmtpServer(Security security, Map<String, String> replies) throws IOException {
    this.security = security;
    this.replies.putAll(replies);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.thread = Thread.ofVirtual().start(this::serve);
  }

  int port() {
    return server.getLocalPort();
  }

  List<String> commands() {
    return List.copyOf(commands);
  }

  /** The commands read before TLS was in place. */
  List<String> clearCommands() {
    return List.copyOf(clearCommands);
  }

  List<String> messages() {
    return List.copyOf(messages);
  }

  boolean tlsUsed() {
    return tlsUsed;
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        socket.setSoTimeout(10_000);
        converse(security == Security.IMPLICIT ? upgrade(socket) : socket);
      } catch (IOException e) {
        // closed, or the client went away: next connection
      }
    }
  }

  private void converse(Socket plain) throws IOException {
    Socket socket = plain;
    BufferedReader in = reader(socket.getInputStream());
    OutputStream out = socket.getOutputStream();
    write(out, "220 scripted ESMTP");
    String line;
    while ((line = in.readLine()) != null) {
      commands.add(line);
      if (!(socket instanceof SSLSocket)) {
        clearCommands.add(line);
      }
      String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
      String reply = replies.get(verb);
      if (SILENT.equals(reply)) {
        silence(in);
        return;
      }
      switch (verb) {
        case "EHLO" -> write(out, reply != null ? reply : "250-scripted\r\n250-AUTH PLAIN\r\n"
            + (security == Security.STARTTLS && !(socket instanceof SSLSocket) ? "250-STARTTLS\r\n" : "")
            + "250 8BITMIME");
        case "STARTTLS" -> {
          write(out, "220 2.0.0 ready to start TLS");
          SSLSocket tls = upgrade(socket);
          socket = tls;
          in = reader(tls.getInputStream());
          out = tls.getOutputStream();
        }
        case "DATA" -> {
          if (reply != null) {
            write(out, reply);
            continue;
          }
          write(out, "354 go ahead");
          StringBuilder message = new StringBuilder();
          String data;
          while ((data = in.readLine()) != null && !data.equals(".")) {
            message.append(data).append("\r\n");
          }
          messages.add(message.toString());
          String end = replies.getOrDefault(DATA_END, "250 2.0.0 Ok: queued");
          if (SILENT.equals(end)) {
            silence(in);
            return;
          }
          write(out, end);
        }
        case "AUTH" -> write(out, reply != null ? reply : "235 2.7.0 Authentication successful");
        case "QUIT" -> {
          write(out, "221 2.0.0 bye");
          return;
        }
        default -> write(out, reply != null ? reply : "250 2.0.0 Ok");
      }
    }
  }

  /** Reads on without answering until the client gives up. */
  private static void silence(BufferedReader in) throws IOException {
    while (in.readLine() != null) {
      // say nothing
    }
  }

  private static BufferedReader reader(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
  }

  private static void write(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private SSLSocket upgrade(Socket socket) throws IOException {
    SSLSocket tls = (SSLSocket) TestTls.serverContext().getSocketFactory().createSocket(socket,
        socket.getInetAddress().getHostAddress(), socket.getPort(), true);
    tls.setUseClientMode(false);
    tls.startHandshake();
    tlsUsed = true;
    return tls;
  }

  @Override
  public void close() throws IOException {
    server.close();
    thread.interrupt();
  }
}
