package io.sparkstep.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a step takes and produces: its alias, parameters, named inputs and named outputs (datasets, or Spark ML models
 * declared with {@link Builder#modelInput} and {@link Builder#modelOutput}). The engine uses it to
 * validate a spec before launch and to list steps in the CLI.
 */
public final class StepDescriptor {
  private final String name;
  private final String description;
  private final Map<String, ParamDef> params;
  private final Map<String, String> inputs;
  private final Map<String, String> outputs;
  private final Map<String, String> modelInputs;
  private final Set<String> modelOutputs;

  private StepDescriptor(Builder builder) {
    this.name = builder.name;
    this.description = builder.description;
    this.params = Map.copyOf(builder.params);
    this.inputs = Map.copyOf(builder.inputs);
    this.outputs = Map.copyOf(builder.outputs);
    this.modelInputs = Map.copyOf(builder.modelInputs);
    this.modelOutputs = Set.copyOf(builder.modelOutputs);
    this.paramOrder = List.copyOf(builder.params.keySet());
  }

  private final List<String> paramOrder;

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Short alias by which the step can be named in a spec or on the command line. */
  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  /** Parameters in declaration order. */
  public List<ParamDef> params() {
    List<ParamDef> ordered = new ArrayList<>();
    for (String key : paramOrder) {
      ordered.add(params.get(key));
    }
    return ordered;
  }

  public ParamDef param(String name) {
    return params.get(name);
  }

  /** Input name to description; model inputs included. */
  public Map<String, String> inputs() {
    return inputs;
  }

  /** Output name to description; model outputs included. */
  public Map<String, String> outputs() {
    return outputs;
  }

  /** Inputs that are saved Spark ML models, each with the class (or a supertype) the step accepts. */
  public Map<String, String> modelInputs() {
    return modelInputs;
  }

  /** Outputs that are Spark ML models rather than datasets. */
  public Set<String> modelOutputs() {
    return modelOutputs;
  }

  public static final class Builder {
    private final String name;
    private String description = "";
    private final Map<String, ParamDef> params = new LinkedHashMap<>();
    private final Map<String, String> inputs = new LinkedHashMap<>();
    private final Map<String, String> outputs = new LinkedHashMap<>();
    private final Map<String, String> modelInputs = new LinkedHashMap<>();
    private final java.util.LinkedHashSet<String> modelOutputs = new java.util.LinkedHashSet<>();

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    public Builder description(String text) {
      this.description = text;
      return this;
    }

    public Builder param(ParamDef param) {
      params.put(param.name(), param);
      return this;
    }

    public Builder input(String inputName, String inputDescription) {
      inputs.put(inputName, inputDescription);
      return this;
    }

    public Builder output(String outputName, String outputDescription) {
      outputs.put(outputName, outputDescription);
      return this;
    }

    /**
     * A saved Spark ML model the step reads with {@link StepContext#inputModel}. {@code modelClass} names the class,
     * or a supertype such as {@code org.apache.spark.ml.Transformer}, a stored model must have; a model of another
     * class is refused before the step runs.
     */
    public Builder modelInput(String inputName, String inputDescription, String modelClass) {
      inputs.put(inputName, inputDescription);
      modelInputs.put(inputName, Objects.requireNonNull(modelClass, "modelClass"));
      return this;
    }

    /** A fitted Spark ML model the step hands over with {@link StepContext#outputModel}; committed with the data. */
    public Builder modelOutput(String outputName, String outputDescription) {
      outputs.put(outputName, outputDescription);
      modelOutputs.add(outputName);
      return this;
    }

    public StepDescriptor build() {
      return new StepDescriptor(this);
    }
  }
}
