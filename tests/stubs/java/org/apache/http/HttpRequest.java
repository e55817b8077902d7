// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http;

public interface HttpRequest extends HttpMessage {
}
