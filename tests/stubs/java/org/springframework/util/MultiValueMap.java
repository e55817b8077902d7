// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.springframework.util;

import java.util.List;
import java.util.Map;

public interface MultiValueMap<K, V> extends Map<K, List<V>> {
    V getFirst(K key);

    void add(K key, V value);

    void set(K key, V value);
}
