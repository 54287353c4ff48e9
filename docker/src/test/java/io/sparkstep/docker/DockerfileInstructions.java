package io.sparkstep.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Dockerfile as its instructions: continuation lines joined, comments and blank lines dropped, each instruction
 * with the line it starts on, its keyword, its {@code --flag=value} options (COPY, ADD) and its arguments.
 */
final class DockerfileInstructions {
  private DockerfileInstructions() {
  }

  /** One instruction; {@code rest} is everything after the keyword, {@code words} the rest split on blanks. */
  record Instruction(String source, int line, String keyword, String rest, Map<String, String> flags,
                     List<String> words) {
    /** For messages: where it is and what it says. */
    String where() {
      return source + " line " + line + ": " + keyword + " " + rest;
    }

    String text() {
      return keyword + " " + rest;
    }
  }

  static List<Instruction> read(Path dockerfile) throws IOException {
    return parse(dockerfile.getFileName().toString(), Files.readAllLines(dockerfile));
  }

  static List<Instruction> parse(String source, List<String> lines) {
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int start = 0;
    for (int i = 0; i < lines.size(); i++) {
      String trimmed = lines.get(i).strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue; // Docker drops comment lines inside a continued instruction too
      }
      if (current.length() == 0) {
        start = i + 1;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
      } else {
        out.add(instruction(source, start, current.append(trimmed).toString().strip()));
        current.setLength(0);
      }
    }
    if (current.length() > 0) {
      throw new IllegalArgumentException(source + " line " + start + ": the last instruction ends in a continuation");
    }
    return out;
  }

  private static Instruction instruction(String source, int line, String text) {
    String[] split = text.split("\\s+", 2);
    String keyword = split[0].toUpperCase(java.util.Locale.ROOT);
    String rest = split.length > 1 ? split[1] : "";
    Map<String, String> flags = new LinkedHashMap<>();
    List<String> words = new ArrayList<>();
    for (String word : rest.isEmpty() ? new String[0] : rest.split("\\s+")) {
      if ((keyword.equals("COPY") || keyword.equals("ADD")) && words.isEmpty() && word.startsWith("--")) {
        String[] kv = word.substring(2).split("=", 2);
        flags.put(kv[0], kv.length > 1 ? kv[1] : "");
      } else {
        words.add(word);
      }
    }
    return new Instruction(source, line, keyword, rest, flags, words);
  }
}
