package dev.tether.samples.load;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario text with placeholders, filled in per virtual user: {@code ${vu}} (the user's index,
 * from 0), {@code ${vu%N}} and {@code ${vu/N}} (its remainder and quotient by N: spread users over N
 * rooms, or put N users in each room), and {@code ${iteration}} (of the innermost {@code repeat},
 * from 0; also {@code %N} and {@code /N}). Immutable.
 */
final class Template {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern KNOWN = Pattern.compile("(vu|iteration)\\s*(?:([%/])\\s*(\\d+))?");

  private final String text;
  /** Literal strings and Placeholders, in order. */
  private final List<Object> parts;
  private final boolean constant;

  private Template(String text, List<Object> parts) {
    this.text = text;
    this.parts = parts;
    this.constant = parts.stream().noneMatch(part -> part instanceof Placeholder);
  }

  private record Placeholder(boolean iteration, char operator, int operand) {
    long apply(int vu, int iterationValue) {
      long value = iteration ? iterationValue : vu;
      return switch (operator) {
        case '%' -> value % operand;
        case '/' -> value / operand;
        default -> value;
      };
    }
  }

  /** @throws IllegalArgumentException for an unknown placeholder or a division by 0 */
  static Template parse(String text) {
    List<Object> parts = new ArrayList<>();
    Matcher matcher = PLACEHOLDER.matcher(text);
    int literalStart = 0;
    while (matcher.find()) {
      Matcher known = KNOWN.matcher(matcher.group(1).trim());
      if (!known.matches()) {
        throw new IllegalArgumentException("unknown placeholder " + matcher.group()
            + " (use ${vu}, ${vu%N}, ${vu/N} or ${iteration})");
      }
      char operator = known.group(2) == null ? ' ' : known.group(2).charAt(0);
      int operand = 0;
      if (known.group(3) != null) {
        try {
          operand = Integer.parseInt(known.group(3));
        } catch (NumberFormatException e) {
          operand = 0;
        }
        if (operand <= 0) {
          throw new IllegalArgumentException("placeholder " + matcher.group() + " needs N between 1 and "
              + Integer.MAX_VALUE);
        }
      }
      if (matcher.start() > literalStart) {
        parts.add(text.substring(literalStart, matcher.start()));
      }
      parts.add(new Placeholder(known.group(1).equals("iteration"), operator, operand));
      literalStart = matcher.end();
    }
    if (literalStart < text.length()) {
      parts.add(text.substring(literalStart));
    }
    return new Template(text, List.copyOf(parts));
  }

  /** The text with every placeholder replaced for this user and iteration. */
  String render(int vu, int iteration) {
    if (isConstant()) {
      return text;
    }
    StringBuilder result = new StringBuilder(text.length() + 8);
    for (Object part : parts) {
      if (part instanceof Placeholder placeholder) {
        result.append(placeholder.apply(vu, iteration));
      } else {
        result.append((String) part);
      }
    }
    return result.toString();
  }

  boolean isConstant() {
    return constant;
  }

  /** The text as written, placeholders included. */
  @Override
  public String toString() {
    return text;
  }
}
