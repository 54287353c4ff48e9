package io.sparkstep.util;

import io.sparkstep.spi.util.Redactor;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A stdout/stderr that passes every line through {@link Redactor#scrub} before it leaves the process: installed by
 * the CLI and the entrypoint before anything logs, so the terminal, a child's log file, a driver pod's log and a
 * container's output never show a registered secret, whoever printed the line (Spark, a step, a library).
 */
public final class ScrubbingPrintStream extends PrintStream {

  private ScrubbingPrintStream(OutputStream target) {
    super(new LineScrubber(target), true, StandardCharsets.UTF_8);
  }

  /** Replaces System.out and System.err with scrubbing streams (once; a second call does nothing). */
  public static synchronized void install() {
    if (!(System.out instanceof ScrubbingPrintStream)) {
      System.setOut(new ScrubbingPrintStream(System.out));
    }
    if (!(System.err instanceof ScrubbingPrintStream)) {
      System.setErr(new ScrubbingPrintStream(System.err));
    }
  }

  /** Buffers one line, then writes it scrubbed. A partial line is written on flush only when it is long. */
  private static final class LineScrubber extends OutputStream {
    private static final int MAX_BUFFER = 64 * 1024;
    private final OutputStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineScrubber(OutputStream target) {
      this.target = target;
    }

    @Override
    public synchronized void write(int b) throws java.io.IOException {
      line.write(b);
      if (b == '\n' || b == '\r' || line.size() >= MAX_BUFFER) {
        emit();
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }

    private void emit() throws java.io.IOException {
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      target.write(Redactor.scrub(text).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void flush() throws java.io.IOException {
      // A prompt without a newline still has to show; a secret split across flushes is the rare price.
      if (line.size() > 0 && line.toString(StandardCharsets.UTF_8).indexOf('\n') < 0 && line.size() > 256) {
        emit();
      }
      target.flush();
    }

    @Override
    public synchronized void close() throws java.io.IOException {
      if (line.size() > 0) {
        emit();
      }
      target.close();
    }
  }
}
