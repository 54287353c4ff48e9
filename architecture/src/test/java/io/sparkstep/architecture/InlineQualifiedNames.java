package io.sparkstep.architecture;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds fully-qualified names of our types written inline in code (not in imports, comments or strings): such a name
 * hides a package edge that the import lines do not show.
 */
final class InlineQualifiedNames {
  private static final Pattern DECLARATION = Pattern.compile("(?m)^\\s*(import|package)\\s[^;]*;");
  private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])io\\.sparkstep\\.(?:[a-z][a-z0-9_]*\\.)*[A-Z]\\w*");

  private InlineQualifiedNames() {
  }

  static List<String> in(String source) {
    String code = DECLARATION.matcher(withoutCommentsAndLiterals(source)).replaceAll("");
    List<String> found = new ArrayList<>();
    Matcher m = QUALIFIED.matcher(code);
    while (m.find()) {
      found.add(m.group());
    }
    return found;
  }

  /** The source with comments removed and each string, text block or char literal emptied. */
  static String withoutCommentsAndLiterals(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      if (s.startsWith("//", i)) {
        int end = s.indexOf('\n', i);
        i = end < 0 ? s.length() : end;
      } else if (s.startsWith("/*", i)) {
        int end = s.indexOf("*/", i + 2);
        i = end < 0 ? s.length() : end + 2;
      } else if (s.startsWith("\"\"\"", i)) {
        int end = s.indexOf("\"\"\"", i + 3);
        i = end < 0 ? s.length() : end + 3;
        out.append("\"\"");
      } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
        char quote = s.charAt(i);
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != quote) {
          j += s.charAt(j) == '\\' ? 2 : 1;
        }
        i = j + 1;
        out.append("\"\"");
      } else {
        out.append(s.charAt(i));
        i++;
      }
    }
    return out.toString();
  }
}
