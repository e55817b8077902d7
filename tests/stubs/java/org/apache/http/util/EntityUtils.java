// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http.util;

import java.io.IOException;
import org.apache.http.HttpEntity;

public final class EntityUtils {
    private EntityUtils() {
    }

    public static String toString(HttpEntity entity) throws IOException {
        return "";
    }
}
