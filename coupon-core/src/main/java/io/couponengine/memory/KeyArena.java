package io.couponengine.memory;

/**
 * Idempotency keys as bytes in fixed-size blocks, appended in claim order: a key costs its length and a byte or two,
 * not a String and its array. A key is addressed by its position (a long that only grows); blocks wholly before a
 * position can be dropped ({@link #freeBefore}), which is how keys past their TTL give their memory back. A key of
 * ISO-8859-1 characters is {@code [length][bytes]}; any other is {@code [0xFF][length][UTF-16 pairs]}. Not
 * thread-safe: the owner's monitor guards it.
 */
final class KeyArena {
  private static final int BLOCK_BITS = 14;
  private static final int BLOCK = 1 << BLOCK_BITS;
  private static final int WIDE = 0xFF;

  private byte[][] blocks = new byte[4][];
  /** Where the next key goes. */
  private long end;

  /**
   * Appends {@code key} (at most 128 characters, as every id).
   *
   * @return its position
   */
  long append(String key) {
    int n = key.length();
    boolean narrow = true;
    for (int i = 0; i < n && narrow; i++) {
      narrow = key.charAt(i) < WIDE;
    }
    int size = narrow ? 1 + n : 2 + 2 * n;
    int offset = (int) (end & (BLOCK - 1));
    if (offset + size > BLOCK) {
      end += BLOCK - offset; // never split a key over two blocks
    }
    long pos = end;
    byte[] b = block(pos);
    int o = (int) (pos & (BLOCK - 1));
    if (narrow) {
      b[o++] = (byte) n;
      for (int i = 0; i < n; i++) {
        b[o++] = (byte) key.charAt(i);
      }
    } else {
      b[o++] = (byte) WIDE;
      b[o++] = (byte) n;
      for (int i = 0; i < n; i++) {
        char c = key.charAt(i);
        b[o++] = (byte) (c >>> 8);
        b[o++] = (byte) c;
      }
    }
    end = pos + size;
    return pos;
  }

  /** Whether the key at {@code pos} is {@code key}. */
  boolean equalsAt(long pos, String key) {
    byte[] b = blocks[(int) (pos >>> BLOCK_BITS)];
    int o = (int) (pos & (BLOCK - 1));
    int head = b[o++] & 0xFF;
    if (head != WIDE) {
      if (head != key.length()) {
        return false;
      }
      for (int i = 0; i < head; i++) {
        if ((b[o++] & 0xFF) != key.charAt(i)) {
          return false;
        }
      }
      return true;
    }
    int n = b[o++] & 0xFF;
    if (n != key.length()) {
      return false;
    }
    for (int i = 0; i < n; i++, o += 2) {
      if ((char) (((b[o] & 0xFF) << 8) | (b[o + 1] & 0xFF)) != key.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** {@link String#hashCode()} of the key at {@code pos}. */
  int hashAt(long pos) {
    byte[] b = blocks[(int) (pos >>> BLOCK_BITS)];
    int o = (int) (pos & (BLOCK - 1));
    int head = b[o++] & 0xFF;
    int h = 0;
    if (head != WIDE) {
      for (int i = 0; i < head; i++) {
        h = 31 * h + (b[o++] & 0xFF);
      }
      return h;
    }
    int n = b[o++] & 0xFF;
    for (int i = 0; i < n; i++, o += 2) {
      h = 31 * h + (char) (((b[o] & 0xFF) << 8) | (b[o + 1] & 0xFF));
    }
    return h;
  }

  /** Drops the blocks that end before {@code pos}: their keys are forgotten. */
  void freeBefore(long pos) {
    int last = (int) (pos >>> BLOCK_BITS);
    for (int i = last - 1; i >= 0 && blocks[i] != null; i--) {
      blocks[i] = null;
    }
  }

  /** Bytes held in blocks now (for tests of the bound). */
  long retainedBytes() {
    long n = 0;
    for (byte[] b : blocks) {
      n += b == null ? 0 : b.length;
    }
    return n;
  }

  private byte[] block(long pos) {
    int i = (int) (pos >>> BLOCK_BITS);
    if (i >= blocks.length) {
      blocks = java.util.Arrays.copyOf(blocks, Math.max(i + 1, blocks.length * 2));
    }
    byte[] b = blocks[i];
    if (b == null) {
      b = new byte[BLOCK];
      blocks[i] = b;
    }
    return b;
  }
}
