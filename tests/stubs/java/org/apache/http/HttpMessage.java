// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http;

public interface HttpMessage {
    void setHeader(String name, String value);

    void addHeader(String name, String value);

    boolean containsHeader(String name);

    void removeHeaders(String name);
}
