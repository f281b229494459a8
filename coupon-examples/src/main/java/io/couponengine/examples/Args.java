package io.couponengine.examples;

import java.util.HashMap;
import java.util.Map;

/** Tiny {@code --name value} parser for the example programs. */
final class Args {
  private final Map<String, String> values = new HashMap<>();

  Args(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got: " + a);
      }
      values.put(a.substring(2), args[++i]);
    }
  }

  int intValue(String name, int defaultValue) {
    String v = values.get(name);
    return v == null ? defaultValue : Integer.parseInt(v.replace("_", ""));
  }

  String string(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }
}
