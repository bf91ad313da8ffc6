package dev.tether.jmeter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads JMeter's default CSV results file (header line, comma-separated, fields quoted as needed). */
final class Jtl {
  private Jtl() {}

  static List<Map<String, String>> read(Path file) throws IOException {
    List<List<String>> records = parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    List<Map<String, String>> samples = new ArrayList<>();
    if (records.isEmpty()) return samples;
    List<String> header = records.get(0);
    for (List<String> record : records.subList(1, records.size())) {
      Map<String, String> sample = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) sample.put(header.get(i), i < record.size() ? record.get(i) : "");
      samples.add(sample);
    }
    return samples;
  }

  /** How many samples each label has. */
  static Map<String, Long> countByLabel(List<Map<String, String>> samples) {
    return samples.stream().collect(Collectors.groupingBy(s -> s.get("label"), java.util.TreeMap::new,
        Collectors.counting()));
  }

  static Map<String, Map<String, String>> byLabel(List<Map<String, String>> samples) {
    return samples.stream().collect(Collectors.toMap(s -> s.get("label"), Function.identity(), (a, b) -> a));
  }

  private static List<List<String>> parse(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
      } else if (c == '\n') {
        record.add(field.toString());
        field.setLength(0);
        records.add(record);
        record = new ArrayList<>();
      } else if (c != '\r') {
        field.append(c);
      }
    }
    if (field.length() > 0 || !record.isEmpty()) {
      record.add(field.toString());
      records.add(record);
    }
    return records;
  }
}
