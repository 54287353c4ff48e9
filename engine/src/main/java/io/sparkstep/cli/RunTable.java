package io.sparkstep.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * The one shape of the run listings ({@code runs list}, {@code pipeline list}): a header line and a line per run, each
 * cell left-aligned in its column's width and followed by one space, the last cell (a free-length one) as it is.
 */
final class RunTable {
  private final PrintStream out;
  private final List<Integer> widths;

  /** {@code widths}: one per column but the last. */
  RunTable(PrintStream out, List<Integer> widths) {
    this.out = out;
    this.widths = widths;
  }

  /** Prints one line: a cell per column, the header's or a run's. */
  void row(List<?> cells) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < widths.size(); i++) {
      line.append(String.format("%-" + widths.get(i) + "s ", cells.get(i)));
    }
    out.println(line.append(cells.get(widths.size())));
  }
}
