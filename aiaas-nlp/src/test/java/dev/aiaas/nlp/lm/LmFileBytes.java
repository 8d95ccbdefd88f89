package dev.aiaas.nlp.lm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Test helper: an aiaas model file's header taken out and put back ({@code ModelIO}'s layout:
 * magic, version, header length at byte 12, the header from byte 16, the arrays, the CRC-32 in
 * the last 8 bytes), the CRC recomputed, so that the LSTM file's own checks meet the damage.
 */
final class LmFileBytes {
  private LmFileBytes() {}

  static final int HEADER_AT = 16;

  static byte[] recrc(byte[] file) {
    byte[] b = file.clone();
    CRC32 crc = new CRC32();
    crc.update(b, 0, b.length - 8);
    ByteBuffer.wrap(b, b.length - 8, 8).putLong(crc.getValue());
    return b;
  }

  static int headerLength(byte[] file) {
    return ByteBuffer.wrap(file).getInt(12);
  }

  static LinkedHashMap<String, String> header(byte[] file) {
    String text = new String(file, HEADER_AT, headerLength(file), StandardCharsets.UTF_8);
    LinkedHashMap<String, String> m = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (!line.isEmpty()) {
        int eq = line.indexOf('=');
        m.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return m;
  }

  static String format(Map<String, String> entries) {
    StringBuilder sb = new StringBuilder();
    entries.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    return sb.toString();
  }

  static byte[] withHeader(byte[] file, String header) {
    byte[] text = header.getBytes(StandardCharsets.UTF_8);
    byte[] rest = Arrays.copyOfRange(file, HEADER_AT + headerLength(file), file.length);
    ByteBuffer b = ByteBuffer.allocate(HEADER_AT + text.length + rest.length);
    b.put(file, 0, 12).putInt(text.length).put(text).put(rest);
    return recrc(b.array());
  }

  static byte[] withEntry(byte[] file, String key, String value) {
    LinkedHashMap<String, String> h = header(file);
    if (value == null) {
      h.remove(key);
    } else {
      h.put(key, value);
    }
    return withHeader(file, format(h));
  }

  /** Where θ's values start: after the header, the array count, θ's type byte and length. */
  static int thetaAt(byte[] file) {
    return HEADER_AT + headerLength(file) + 4 + 1 + 8;
  }
}
