package io.couponengine.memory;

/**
 * A map from non-negative int keys to int values, open addressing with linear probing over two parallel arrays: one
 * entry costs no object, so a per-user count costs about 16 bytes however many users claim. Keys are never removed
 * (counts of claims only grow). Not thread-safe: the owner's monitor guards it.
 */
final class IntIntMap {
  /** key + 1 per slot; 0 marks a free slot. */
  private int[] keys;
  private int[] values;
  private int size;

  IntIntMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
    keys = new int[cap];
    values = new int[cap];
  }

  /** The value of {@code key}, or 0 when absent. */
  int get(int key) {
    int mask = keys.length - 1;
    for (int i = IntIntMap.mix(key) & mask; ; i = (i + 1) & mask) {
      int k = keys[i];
      if (k == key + 1) {
        return values[i];
      }
      if (k == 0) {
        return 0;
      }
    }
  }

  /**
   * Adds {@code delta} to the value of {@code key} (absent counts as 0).
   *
   * @return the new value
   */
  int add(int key, int delta) {
    int mask = keys.length - 1;
    int i = IntIntMap.mix(key) & mask;
    for (; ; i = (i + 1) & mask) {
      int k = keys[i];
      if (k == key + 1) {
        return values[i] += delta;
      }
      if (k == 0) {
        break;
      }
    }
    keys[i] = key + 1;
    values[i] = delta;
    if (++size * 2 > keys.length) {
      grow();
    }
    return delta;
  }

  int size() {
    return size;
  }

  private void grow() {
    int[] oldKeys = keys;
    int[] oldValues = values;
    keys = new int[oldKeys.length * 2];
    values = new int[oldKeys.length * 2];
    int mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      int k = oldKeys[j];
      if (k != 0) {
        int i = IntIntMap.mix(k - 1) & mask;
        while (keys[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = k;
        values[i] = oldValues[j];
      }
    }
  }

  /** Spreads consecutive keys (interned indexes are consecutive) over the table. */
  static int mix(int x) {
    int h = x * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
