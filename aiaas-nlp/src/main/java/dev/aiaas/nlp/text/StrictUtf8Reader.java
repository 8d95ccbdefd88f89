package dev.aiaas.nlp.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Decodes UTF-8 strictly: a malformed byte sequence is a {@link
 * java.nio.charset.MalformedInputException}, raised only after every character before it has been
 * delivered (unlike {@link java.io.InputStreamReader}, which drops the characters of the block it
 * was decoding), so that a line reader on top can name the line that holds the bad bytes.
 */
final class StrictUtf8Reader extends Reader {

  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer bytes = ByteBuffer.allocate(1 << 13).flip();
  private boolean eof;
  private boolean flushed;
  /** A decoding error met after characters that were delivered first. */
  private CoderResult pending;

  /**
   * @param in the UTF-8 bytes; closed by {@link #close()}
   */
  StrictUtf8Reader(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  @Override
  public int read(char[] cbuf, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, cbuf.length);
    if (len == 0) {
      return 0;
    }
    if (pending != null) {
      pending.throwException();
    }
    CharBuffer out = CharBuffer.wrap(cbuf, off, len);
    while (out.position() == off) {
      if (flushed) {
        return -1;
      }
      CoderResult r = decoder.decode(bytes, out, eof);
      if (r.isError()) {
        if (out.position() > off) {
          pending = r;
          break;
        }
        r.throwException();
      }
      if (r.isOverflow()) {
        break;
      }
      if (eof) {
        decoder.flush(out);
        flushed = true;
        break;
      }
      if (out.position() > off) {
        break;
      }
      bytes.compact();
      int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
      if (n < 0) {
        eof = true;
      } else {
        bytes.position(bytes.position() + n);
      }
      bytes.flip();
    }
    int n = out.position() - off;
    return n == 0 && flushed ? -1 : n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
