// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.springframework.util;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

public class LinkedMultiValueMap<K, V> extends LinkedHashMap<K, List<V>> implements MultiValueMap<K, V> {
    @Override
    public V getFirst(K key) {
        List<V> values = get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public void add(K key, V value) {
        computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    @Override
    public void set(K key, V value) {
        List<V> values = new ArrayList<>();
        values.add(value);
        put(key, values);
    }
}
