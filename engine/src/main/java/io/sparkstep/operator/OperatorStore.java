package io.sparkstep.operator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkstep.registry.FlavorUnavailableException;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.Flavor;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.util.SparkstepHome;
import io.sparkstep.spi.util.ExclusiveFileLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Named operators, configured once, like ZenML stack components: {@code <home>/operators.json} maps a name to a
 * flavor and its settings. Secret settings are stored only as {@code ${ENV}} references. An operator named
 * {@code local} always exists and needs no registration.
 */
public final class OperatorStore {
  public static final String DEFAULT_OPERATOR = "local";
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final Path file;
  private final FlavorRegistry flavors;

  public OperatorStore(Path home, FlavorRegistry flavors) {
    this.file = home.resolve("operators.json");
    this.flavors = flavors;
  }

  public static OperatorStore atDefaultHome(FlavorRegistry flavors) {
    return new OperatorStore(SparkstepHome.resolve(), flavors);
  }

  public Path file() {
    return file;
  }

  /** Stored entry of one operator. */
  public static final class Entry {
    public String flavor;
    public Map<String, String> settings = new LinkedHashMap<>();

    public Entry() {
    }

    Entry(String flavor, Map<String, String> settings) {
      this.flavor = flavor;
      this.settings = new LinkedHashMap<>(settings);
    }
  }

  public synchronized void register(String name, String flavorName, Map<String, String> settings, boolean replace) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
      throw new InvalidSpecException("name", "invalid operator name '" + name + "'",
          "use letters, digits, '.', '_' and '-', starting with a letter or digit");
    }
    Flavor flavor = flavors.get(flavorName);
    List<ValidationProblem> problems = flavors.validateOperator(name, flavor, settings);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    locked(() -> {
      Map<String, Entry> all = readAll();
      if (all.containsKey(name) && !replace) {
        throw new InvalidSpecException("name", "operator '" + name + "' already exists",
            "pass --replace to change it, or delete it first");
      }
      all.put(name, new Entry(flavorName, settings));
      writeAll(all);
      return null;
    });
  }

  public synchronized boolean delete(String name) {
    return locked(() -> {
      Map<String, Entry> all = readAll();
      boolean removed = all.remove(name) != null;
      if (removed) {
        writeAll(all);
      }
      return removed;
    });
  }

  /**
   * Runs one read-modify-write of the operators file holding {@code .operators.lock}, so concurrent registers (threads
   * or processes) all survive. Readers take no lock: the file is replaced by an atomic rename, so they see the old or
   * the new file whole.
   */
  private <T> T locked(java.util.function.Supplier<T> change) {
    return ExclusiveFileLock.holding(file.resolveSibling(".operators.lock"), change);
  }

  /** The operator's configuration; {@code local} falls back to the local flavor with defaults. */
  public OperatorConfig get(String name) {
    Map<String, Entry> all = readAll();
    Entry entry = all.get(name);
    if (entry == null && DEFAULT_OPERATOR.equals(name)) {
      entry = new Entry("local", Map.of());
    }
    if (entry == null) {
      throw new InvalidSpecException("operator", "unknown operator '" + name + "'",
          "registered: " + names() + "; register one with: sparkstep operator register " + name + " --flavor FLAVOR");
    }
    Flavor flavor = flavors.get(entry.flavor);
    return new OperatorConfig(name, entry.flavor, entry.settings, flavor.options());
  }

  /** Name to configuration, {@code local} included. */
  public Map<String, OperatorConfig> list() {
    Map<String, OperatorConfig> out = new TreeMap<>();
    for (String name : names()) {
      try {
        out.put(name, get(name));
      } catch (InvalidSpecException | FlavorUnavailableException e) {
        // an operator whose flavor jar was removed, or is broken, is listed by name only in describe
      }
    }
    return out;
  }

  public List<String> names() {
    Map<String, Entry> all = readAll();
    TreeMap<String, Entry> sorted = new TreeMap<>(all);
    sorted.putIfAbsent(DEFAULT_OPERATOR, new Entry("local", Map.of()));
    return List.copyOf(sorted.keySet());
  }

  private Map<String, Entry> readAll() {
    if (!Files.isRegularFile(file)) {
      return new LinkedHashMap<>();
    }
    try {
      return MAPPER.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Entry>>() { });
    } catch (IOException e) {
      throw new InvalidSpecException("operators", "cannot read " + file + ": " + firstLine(e.getMessage()),
          "fix or delete the file");
    }
  }

  private static String firstLine(String text) {
    String line = text == null ? "" : text.lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 197) + "..." : line;
  }

  private void writeAll(Map<String, Entry> all) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".operators", ".tmp");
      MAPPER.writeValue(tmp.toFile(), all);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
