package io.sparkstep.spi.record;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.sparkstep.spi.util.Redactor;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON form of run records; instants as ISO-8601 text so records read well. */
public final class RunRecordJson {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private static final ObjectMapper LINE_MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private RunRecordJson() {
  }

  /** The record on one line, for a log: a platform that keeps only a container's output still gets the record. */
  public static String writeLine(RunRecord record) {
    try {
      // Scrubbed as a whole: whatever field a secret reached (error, attempts, platform ids) it is not written.
      return Redactor.scrub(LINE_MAPPER.writeValueAsString(record));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String write(RunRecord record) {
    try {
      return Redactor.scrub(MAPPER.writeValueAsString(record));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static RunRecord read(String json) {
    try {
      return MAPPER.readValue(json, RunRecord.class);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable run record: " + e.getMessage(), e);
    }
  }
}
