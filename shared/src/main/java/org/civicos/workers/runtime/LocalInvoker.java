package org.civicos.workers.runtime;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.civicos.workers.WorkersException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda's asynchronous invocation, in process: each registered function runs in at most
 * {@code reservedConcurrency} sandboxes (further activations wait their turn, as throttled async events do), each
 * sandbox built once by the function's factory and used by one invocation at a time, with a fixed time budget
 * standing in for the Lambda timeout. As in Lambda, a sandbox's pools are its own: concurrent invocations never
 * share a connection. Used by local mode and the tests.
 */
public final class LocalInvoker implements Invoker, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalInvoker.class);

  /** A function as the invoker runs it: one invocation for one activation within the deadline. */
  @FunctionalInterface
  public interface LocalFunction {
    void invoke(Activation activation, Deadline deadline, String invocationId);
  }

  /** One sandbox of a function: what its init built, used by one invocation at a time. */
  public interface Sandbox extends LocalFunction, AutoCloseable {
    @Override
    void close();

    /** A sandbox around a function that holds nothing to close. */
    static Sandbox of(LocalFunction function) {
      return new Sandbox() {
        @Override
        public void invoke(Activation activation, Deadline deadline, String invocationId) {
          function.invoke(activation, deadline, invocationId);
        }

        @Override
        public void close() {
        }
      };
    }
  }

  private record Registered(java.util.function.Supplier<Sandbox> factory, Semaphore slots,
      java.util.concurrent.ConcurrentLinkedQueue<Sandbox> idle, java.util.List<Sandbox> all, Duration timeout,
      AtomicInteger waiting, int reserved) {
    Sandbox take() {
      Sandbox sandbox = idle.poll();
      if (sandbox == null) {
        sandbox = factory.get();
        synchronized (all) {
          all.add(sandbox);
        }
      }
      return sandbox;
    }
  }

  private final Map<String, Registered> functions = new ConcurrentHashMap<>();
  private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
      Thread.ofPlatform().daemon().name("local-invoke-", 0).factory());
  private final InstantSource clock;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong invocations = new AtomicLong();
  private final AtomicInteger failures = new AtomicInteger();
  private final Object idle = new Object();
  private final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();

  public LocalInvoker(InstantSource clock) {
    this.clock = clock;
  }

  /** Registers a function; {@code newSandbox} runs once per sandbox, like a Lambda init. */
  public LocalInvoker register(String name, java.util.function.Supplier<Sandbox> newSandbox, int reservedConcurrency,
      Duration timeout) {
    functions.put(name, new Registered(newSandbox, new Semaphore(reservedConcurrency, true),
        new java.util.concurrent.ConcurrentLinkedQueue<>(), new java.util.ArrayList<>(), timeout, new AtomicInteger(),
        reservedConcurrency));
    return this;
  }

  @Override
  public void invokeAsync(String function, Activation activation) {
    Registered target = functions.get(function);
    if (target == null) {
      throw new WorkersException("no local function named " + function);
    }
    // Activations carry no work: with a full queue of waiting ones, another adds nothing but backlog.
    if (stopping.get() || target.waiting().get() >= target.reserved()) {
      dropped.incrementAndGet();
      return;
    }
    target.waiting().incrementAndGet();
    long number = invocations.incrementAndGet();
    inFlight.incrementAndGet();
    executor.submit(() -> {
      try {
        target.slots().acquire();
        target.waiting().decrementAndGet();
        Sandbox sandbox = null;
        try {
          sandbox = target.take();
          Deadline budget = Deadline.after(target.timeout(), clock);
          // On shutdown the deadline runs out: each drain loop finishes its batch and stops claiming.
          sandbox.invoke(activation, () -> stopping.get() ? Duration.ZERO : budget.remaining(), "local-" + number);
        } finally {
          if (sandbox != null) {
            target.idle().add(sandbox);
          }
          target.slots().release();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        failures.incrementAndGet();
        LOG.error("local invocation of {} failed", function, e);
      } finally {
        if (inFlight.decrementAndGet() == 0) {
          synchronized (idle) {
            idle.notifyAll();
          }
        }
      }
    });
  }

  /** Waits until every invocation, including those started by other invocations (continuations), is done. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (inFlight.get() > 0) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
    }
    return true;
  }

  public long invocations() {
    return invocations.get();
  }

  /** Activations not started because that function already had a full queue of waiting ones, or we stop. */
  public long dropped() {
    return dropped.get();
  }

  /** Invocations running or waiting for a slot. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Graceful stop: no new invocations; running ones finish the batch in hand (their deadline reads zero) and
   * record it; returns whether all finished within {@code grace}.
   */
  public boolean shutdown(Duration grace) throws InterruptedException {
    stopping.set(true);
    return awaitIdle(grace);
  }

  public int failures() {
    return failures.get();
  }

  /** Stops the threads and closes every sandbox (its pools). */
  @Override
  public void close() {
    executor.shutdownNow();
    for (Registered registered : functions.values()) {
      synchronized (registered.all()) {
        registered.all().forEach(Sandbox::close);
      }
    }
  }
}
