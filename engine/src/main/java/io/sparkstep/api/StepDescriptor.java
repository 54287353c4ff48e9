package io.sparkstep.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a step takes and produces: its alias, parameters, named inputs and named outputs. The engine uses it to
 * validate a spec before launch and to list steps in the CLI.
 */
public final class StepDescriptor {
  private final String name;
  private final String description;
  private final Map<String, ParamDef> params;
  private final Map<String, String> inputs;
  private final Map<String, String> outputs;

  private StepDescriptor(Builder builder) {
    this.name = builder.name;
    this.description = builder.description;
    this.params = Map.copyOf(builder.params);
    this.inputs = Map.copyOf(builder.inputs);
    this.outputs = Map.copyOf(builder.outputs);
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

  /** Input name to description. */
  public Map<String, String> inputs() {
    return inputs;
  }

  /** Output name to description. */
  public Map<String, String> outputs() {
    return outputs;
  }

  public static final class Builder {
    private final String name;
    private String description = "";
    private final Map<String, ParamDef> params = new LinkedHashMap<>();
    private final Map<String, String> inputs = new LinkedHashMap<>();
    private final Map<String, String> outputs = new LinkedHashMap<>();

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

    public StepDescriptor build() {
      return new StepDescriptor(this);
    }
  }
}
