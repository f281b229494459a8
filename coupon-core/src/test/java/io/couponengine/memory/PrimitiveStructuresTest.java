package io.couponengine.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written primitive structures of the in-memory store, each against a JDK collection as the model. */
class PrimitiveStructuresTest {

  @Test
  void intIntMap_add_get_matchHashMap() {
    IntIntMap map = new IntIntMap(2);
    Map<Integer, Integer> model = new HashMap<>();
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 200_000; i++) {
      int key = i % 3 == 0 ? r.nextInt(Integer.MAX_VALUE - 1) : r.nextInt(50_000); // consecutive and sparse keys
      int delta = r.nextInt(1, 5);
      int expected = model.merge(key, delta, Integer::sum);
      assertThat(map.add(key, delta)).isEqualTo(expected);
    }
    assertThat(map.size()).isEqualTo(model.size());
    model.forEach((k, v) -> assertThat(map.get(k)).isEqualTo(v));
    assertThat(map.get(Integer.MAX_VALUE - 1)).isEqualTo(model.getOrDefault(Integer.MAX_VALUE - 1, 0));
    assertThat(new IntIntMap(16).get(0)).isZero();
  }

  @Test
  void intQueue_isFifo_acrossBlocks() {
    IntQueue q = new IntQueue();
    ArrayDeque<Integer> model = new ArrayDeque<>();
    SplittableRandom r = new SplittableRandom(2);
    int next = 0;
    for (int i = 0; i < 300_000; i++) {
      if (model.isEmpty() || r.nextInt(3) > 0) {
        q.add(next);
        model.add(next++);
      } else {
        assertThat(q.peek()).isEqualTo(model.peek());
        q.remove();
        model.remove();
      }
      assertThat(q.size()).isEqualTo(model.size());
    }
    while (!model.isEmpty()) {
      assertThat(q.peek()).isEqualTo(model.remove());
      q.remove();
    }
    assertThat(q.isEmpty()).isTrue();
    q.add(5);
    assertThat(q.peek()).isEqualTo(5);
  }

  @Test
  void intList_add_retain_keepOrder() {
    IntList list = new IntList();
    List<Integer> model = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      list.add(i);
      model.add(i);
    }
    list.retain(v -> v % 3 == 0);
    model.removeIf(v -> v % 3 != 0);
    assertThat(list.size()).isEqualTo(model.size());
    for (int i = 0; i < model.size(); i++) {
      assertThat(list.get(i)).isEqualTo(model.get(i));
    }
    list.add(-1);
    assertThat(list.get(list.size() - 1)).isEqualTo(-1);
    list.retain(v -> false);
    assertThat(list.size()).isZero();
    list.add(9);
    assertThat(list.get(0)).isEqualTo(9);
  }

  @Test
  void keyArena_storesNarrowAndWideKeys_andFreesWholeBlocks() {
    KeyArena arena = new KeyArena();
    List<String> keys = new ArrayList<>();
    List<Long> positions = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 20_000; i++) {
      String key = switch (i % 4) {
        case 0 -> "k-" + i;
        case 1 -> "ключ-" + i;                     // not ISO-8859-1
        case 2 -> "x".repeat(1 + r.nextInt(128));  // up to the id limit
        default -> "é" + i + "\u00fe";             // ISO-8859-1 above ASCII
      };
      keys.add(key);
      positions.add(arena.append(key));
    }
    for (int i = 0; i < keys.size(); i++) {
      long pos = positions.get(i);
      assertThat(arena.equalsAt(pos, keys.get(i))).isTrue();
      assertThat(arena.hashAt(pos)).isEqualTo(keys.get(i).hashCode());
      assertThat(arena.equalsAt(pos, keys.get(i) + "!")).isFalse();
      assertThat(arena.equalsAt(pos, keys.get((i + 1) % keys.size()))).isFalse();
    }
    long before = arena.retainedBytes();
    arena.freeBefore(positions.get(positions.size() - 1));
    assertThat(arena.retainedBytes()).isLessThan(before / 4);
    assertThat(arena.equalsAt(positions.get(positions.size() - 1), keys.get(keys.size() - 1))).isTrue();
  }
}
