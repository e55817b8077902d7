// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http;

public interface StatusLine {
    int getStatusCode();

    String getReasonPhrase();
}
