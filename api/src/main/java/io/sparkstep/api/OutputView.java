package io.sparkstep.api;

/**
 * One output a run committed: where it was written, how many rows, in which format.
 *
 * @param uri where the output was written
 * @param rows rows written, or null where the step did not count them
 * @param format the data format, e.g. parquet
 */
public record OutputView(String uri, Long rows, String format) {
}
