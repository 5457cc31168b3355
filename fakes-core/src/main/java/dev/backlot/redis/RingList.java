package dev.backlot.redis;

import java.util.AbstractList;
import java.util.Collection;
import java.util.RandomAccess;

/**
 * A list over a circular array: adding or removing at either end is O(1), in the middle it moves
 * the shorter side, and reading an index is O(1). jedis-mock keeps a Redis list in an ArrayList,
 * where LPUSH and LPOP move every element; {@link RedisFake} puts long lists in one of these
 * instead (Redis's own lists are O(1) at both ends, and queues rely on it).
 */
final class RingList<E> extends AbstractList<E> implements RandomAccess {

  private Object[] items;
  private int head;
  private int size;

  RingList(Collection<? extends E> from) {
    int capacity = 16;
    while (capacity < from.size() * 2) {
      capacity <<= 1;
    }
    items = new Object[capacity];
    for (E e : from) {
      items[size++] = e;
    }
  }

  private int slot(int index) {
    return (head + index) & (items.length - 1);
  }

  private void check(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("Index " + index + " out of bounds for length " + size);
    }
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  @SuppressWarnings("unchecked")
  public E get(int index) {
    check(index);
    return (E) items[slot(index)];
  }

  @Override
  @SuppressWarnings("unchecked")
  public E set(int index, E element) {
    check(index);
    int s = slot(index);
    E old = (E) items[s];
    items[s] = element;
    return old;
  }

  @Override
  public void add(int index, E element) {
    if (index < 0 || index > size) {
      throw new IndexOutOfBoundsException("Index " + index + " out of bounds for length " + size);
    }
    if (size == items.length) {
      grow();
    }
    if (index < size / 2) {
      head = (head - 1) & (items.length - 1);
      for (int k = 0; k < index; k++) {
        items[slot(k)] = items[slot(k + 1)];
      }
    } else {
      for (int k = size; k > index; k--) {
        items[slot(k)] = items[slot(k - 1)];
      }
    }
    items[slot(index)] = element;
    size++;
    modCount++;
  }

  @Override
  @SuppressWarnings("unchecked")
  public E remove(int index) {
    check(index);
    E old = (E) items[slot(index)];
    if (index < size / 2) {
      for (int k = index; k > 0; k--) {
        items[slot(k)] = items[slot(k - 1)];
      }
      items[slot(0)] = null;
      head = (head + 1) & (items.length - 1);
    } else {
      for (int k = index; k < size - 1; k++) {
        items[slot(k)] = items[slot(k + 1)];
      }
      items[slot(size - 1)] = null;
    }
    size--;
    modCount++;
    return old;
  }

  @Override
  protected void removeRange(int from, int to) {
    if (from >= to) {
      return;
    }
    Object[] kept = new Object[items.length];
    int n = 0;
    for (int k = 0; k < size; k++) {
      if (k < from || k >= to) {
        kept[n++] = items[slot(k)];
      }
    }
    items = kept;
    head = 0;
    size = n;
    modCount++;
  }

  @Override
  public void clear() {
    items = new Object[16];
    head = 0;
    size = 0;
    modCount++;
  }

  private void grow() {
    Object[] bigger = new Object[items.length * 2];
    for (int k = 0; k < size; k++) {
      bigger[k] = items[slot(k)];
    }
    items = bigger;
    head = 0;
  }
}
