// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.springframework.web.client;

public class RestClientException extends RuntimeException {
    public RestClientException(String message) {
        super(message);
    }
}
