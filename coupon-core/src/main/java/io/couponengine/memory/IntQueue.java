package io.couponengine.memory;

import java.util.ArrayDeque;

/**
 * A first-in first-out queue of ints kept in blocks (16 ints at first, doubling to 4,096): 4 bytes an element, no
 * node objects, and growing never copies what is already queued; a block goes as soon as its last element is taken.
 * Not thread-safe: the owner's monitor guards it.
 */
final class IntQueue {
  private static final int FIRST_BLOCK = 16;
  private static final int MAX_BLOCK = 4096;

  private final ArrayDeque<int[]> blocks = new ArrayDeque<>();
  /** Next element to take, in the head block. */
  private int head;
  /** Next free place, in the tail block. */
  private int tail;
  private int size;

  void add(int value) {
    int[] last = blocks.peekLast();
    if (last == null || tail == last.length) {
      last = new int[last == null ? FIRST_BLOCK : Math.min(MAX_BLOCK, last.length * 2)];
      blocks.addLast(last);
      tail = 0;
    }
    last[tail++] = value;
    size++;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The oldest element; only when not empty. */
  int peek() {
    return blocks.peekFirst()[head];
  }

  /** Drops the oldest element; only when not empty. */
  void remove() {
    int[] first = blocks.peekFirst();
    head++;
    size--;
    if (size == 0) {
      blocks.clear();
      head = 0;
      tail = 0;
    } else if (head == first.length) {
      blocks.pollFirst();
      head = 0;
    }
  }

  int size() {
    return size;
  }
}
