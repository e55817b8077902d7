// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.springframework.http;

public enum HttpMethod {
    GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE
}
