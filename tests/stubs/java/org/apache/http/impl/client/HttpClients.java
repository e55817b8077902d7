// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http.impl.client;

public final class HttpClients {
    private HttpClients() {
    }

    public static CloseableHttpClient createDefault() {
        throw new UnsupportedOperationException("stub");
    }
}
