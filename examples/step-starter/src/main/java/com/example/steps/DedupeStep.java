package com.example.steps;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Drops duplicate rows, judged on the columns named by {@code columns} (all columns when empty). */
public class DedupeStep implements Step {
  @Override
  public StepDescriptor describe() {
    return StepDescriptor.builder("dedupe").description("drops duplicate rows")
        .param(ParamDef.stringParam("columns").defaultValue("").description("comma-separated key columns"))
        .input("in", "any table").output("out", "the same rows without duplicates").build();
  }

  @Override
  public void run(StepContext context) {
    Dataset<Row> in = context.input("in");
    String columns = context.params().getString("columns");
    context.output("out", columns.isBlank() ? in.dropDuplicates() : in.dropDuplicates(columns.split("\\s*,\\s*")));
  }
}
