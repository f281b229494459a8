package io.couponengine.settlement;

import java.math.BigDecimal;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable, insertion-ordered map of goods id to amount, with its sum computed once. Settlement results hold
 * one per applied coupon; taking it over without copying keeps a settlement cheap. Internal.
 */
final class LineAmounts extends AbstractMap<String, BigDecimal> {
  private final String[] keys;
  private final BigDecimal[] values;
  private final int size;
  private final BigDecimal sum;

  /** Takes ownership of the arrays (the caller must not change them); keys are distinct and non-null. */
  LineAmounts(String[] keys, BigDecimal[] values, int size) {
    this.keys = keys;
    this.values = values;
    this.size = size;
    BigDecimal s = BigDecimal.ZERO;
    for (int i = 0; i < size; i++) {
      s = s.add(values[i]);
    }
    this.sum = s;
  }

  /** An immutable copy of {@code map}, or the map itself when it already is one; null keys or values refused. */
  static LineAmounts copyOf(Map<String, BigDecimal> map, String name) {
    if (map instanceof LineAmounts la) {
      return la;
    }
    Checks.notNull(map, name);
    String[] k = new String[map.size()];
    BigDecimal[] v = new BigDecimal[map.size()];
    int i = 0;
    for (Map.Entry<String, BigDecimal> e : map.entrySet()) {
      k[i] = Checks.notNull(e.getKey(), name + " key");
      v[i] = Checks.amount(e.getValue(), name + "[" + k[i] + "]");
      i++;
    }
    return new LineAmounts(k, v, i);
  }

  BigDecimal sum() {
    return sum;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public BigDecimal get(Object key) {
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return values[i];
      }
    }
    return null;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public Set<Map.Entry<String, BigDecimal>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Map.Entry<String, BigDecimal>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Map.Entry<String, BigDecimal> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new AbstractMap.SimpleImmutableEntry<>(keys[i], values[i]);
          }
        };
      }
    };
  }
}
