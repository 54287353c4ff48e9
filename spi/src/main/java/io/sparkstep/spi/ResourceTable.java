package io.sparkstep.spi;

import io.sparkstep.spi.spec.ResourceField;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How one operator treats every field of a step's resources, one {@link ResourceRule} per {@link ResourceField}:
 * the single place a flavor says what it maps and what it refuses. The engine refuses, before anything starts, a set
 * field the table does not declare and every value a declared refusal covers; the flavor's mapping code reads the
 * table's decisions instead of making its own, and keeps only the checks of a value against its platform (an instance
 * type that exists, a disk size in range).
 */
public final class ResourceTable {
  private final String flavor;
  private final Map<ResourceField, ResourceRule> rules;

  private ResourceTable(String flavor, Map<ResourceField, ResourceRule> rules) {
    this.flavor = flavor;
    Map<ResourceField, ResourceRule> copy = new EnumMap<>(ResourceField.class);
    copy.putAll(rules);
    this.rules = Collections.unmodifiableMap(copy);
  }

  /** A table for {@code flavor}, declared rule by rule. */
  public static Builder of(String flavor) {
    return new Builder(flavor);
  }

  /** The table of a flavor that declares nothing: every set field is refused. */
  public static ResourceTable undeclared(String flavor) {
    return new ResourceTable(flavor, Map.of());
  }

  public String flavor() {
    return flavor;
  }

  /** The rule declared for {@code field}, or null when the flavor declares none. */
  public ResourceRule rule(ResourceField field) {
    return rules.get(field);
  }

  /** Whether the flavor maps {@code field} (in full, or up to one JVM): what its mapping code may read. */
  public boolean maps(ResourceField field) {
    ResourceRule rule = rules.get(field);
    return rule != null && rule.treatment() != ResourceRule.Treatment.REFUSED;
  }

  /** The fields this flavor declares nothing for. */
  public List<ResourceField> undeclaredFields() {
    List<ResourceField> missing = new ArrayList<>();
    for (ResourceField field : ResourceField.values()) {
      if (!rules.containsKey(field)) {
        missing.add(field);
      }
    }
    return missing;
  }

  /** A refusal for each set field the table does not declare, and for each value a declared refusal covers. */
  public List<ValidationProblem> problems(ResourceSpec resources) {
    List<ValidationProblem> problems = new ArrayList<>();
    if (resources == null) {
      return problems;
    }
    for (ResourceField field : ResourceField.values()) {
      ResourceRule rule = rules.get(field);
      if (rule == null && field.isSet(resources)) {
        problems.add(ValidationProblem.of(field.path(), "the " + flavor + " flavor does not declare how it maps "
            + field.jsonName(), "drop " + field.path() + ", or use a flavor that maps it (see docs/flavors.md)"));
      } else if (rule != null && rule.refuses(resources)) {
        problems.add(rule.refusal());
      }
    }
    return problems;
  }

  /** The table as markdown rows ({@code | field | treatment |}), in the field order of the spec. */
  public String markdownRows() {
    StringBuilder rows = new StringBuilder();
    for (ResourceField field : ResourceField.values()) {
      ResourceRule rule = rules.get(field);
      rows.append("| ").append(field.jsonName()).append(" | ")
          .append(rule == null ? "refused: not declared" : rule.describe().replace("|", "\\|")).append(" |\n");
    }
    return rows.toString();
  }

  /** Collects the rules; a field declared twice is a mistake in the flavor, refused at once. */
  public static final class Builder {
    private final String flavor;
    private final Map<ResourceField, ResourceRule> rules = new EnumMap<>(ResourceField.class);

    private Builder(String flavor) {
      this.flavor = flavor;
    }

    public Builder rule(ResourceRule rule) {
      if (rules.putIfAbsent(rule.field(), rule) != null) {
        throw new IllegalStateException(flavor + " declares " + rule.field().path() + " twice");
      }
      return this;
    }

    public Builder mapped(ResourceField field, String target) {
      return rule(ResourceRule.mapped(field, target));
    }

    public Builder checked(ResourceField field, String target) {
      return rule(ResourceRule.checked(field, target));
    }

    public Builder oneJvm(ResourceField field, String target, String problem, String fix) {
      return rule(ResourceRule.oneJvm(field, target, problem, fix));
    }

    public Builder refused(ResourceField field, String problem, String fix) {
      return rule(ResourceRule.refused(field, problem, fix));
    }

    public ResourceTable build() {
      return new ResourceTable(flavor, rules);
    }
  }
}
