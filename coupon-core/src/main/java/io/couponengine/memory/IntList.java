package io.couponengine.memory;

import java.util.Arrays;

/**
 * A list of ints in blocks of 4,096 (the first one grows from 16): 4 bytes an element, and growing copies at most
 * one block. {@link #retain} keeps the elements a predicate keeps, in order, in place. Not thread-safe: the owner's
 * monitor guards it.
 */
final class IntList {
  private static final int SHIFT = 12;
  private static final int BLOCK = 1 << SHIFT;

  private int[][] blocks = new int[1][];
  private int size;

  void add(int value) {
    int b = size >>> SHIFT;
    int o = size & (BLOCK - 1);
    if (b == blocks.length) {
      blocks = Arrays.copyOf(blocks, b * 2);
    }
    int[] block = blocks[b];
    if (block == null) {
      block = new int[b == 0 ? 16 : BLOCK];
      blocks[b] = block;
    } else if (o == block.length) {
      block = Arrays.copyOf(block, block.length * 2); // only the first block grows
      blocks[b] = block;
    }
    block[o] = value;
    size++;
  }

  int get(int i) {
    return blocks[i >>> SHIFT][i & (BLOCK - 1)];
  }

  int size() {
    return size;
  }

  /** What {@link #retain} asks about each element. */
  interface Filter {
    /** Whether to keep {@code value}. */
    boolean keep(int value);
  }

  /** Keeps, in order, the elements {@code filter} keeps, and drops the blocks no longer needed. */
  void retain(Filter filter) {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      int v = get(i);
      if (filter.keep(v)) {
        blocks[kept >>> SHIFT][kept & (BLOCK - 1)] = v;
        kept++;
      }
    }
    size = kept;
    for (int b = kept == 0 ? 0 : ((kept - 1) >>> SHIFT) + 1; b < blocks.length; b++) {
      blocks[b] = null;
    }
  }
}
