package io.sparkstep.spec;

/**
 * One check of one part of a step spec (its step, parameters, inputs, outputs, resources, Spark conf...): adds what it
 * finds wrong, with the field path, to the context's problems and never stops the checks after it, so that every
 * problem of a spec comes at once. {@link SpecValidator} folds its checks over one context, in order.
 */
@FunctionalInterface
interface SpecCheck {
  void check(SpecCheckContext context);
}
