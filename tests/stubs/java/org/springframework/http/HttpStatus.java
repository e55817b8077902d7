// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.springframework.http;

public enum HttpStatus {
    OK, CREATED, ACCEPTED, NO_CONTENT, BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND;

    public boolean is2xxSuccessful() {
        return ordinal() < BAD_REQUEST.ordinal();
    }
}
