// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.springframework.http;

public class ResponseEntity<T> extends HttpEntity<T> {
    private final HttpStatus status;

    public ResponseEntity(T body, HttpStatus status) {
        super(body);
        this.status = status;
    }

    public HttpStatus getStatusCode() {
        return status;
    }

    public int getStatusCodeValue() {
        return 200;
    }
}
