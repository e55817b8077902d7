// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.springframework.http;

public class MediaType {
    public static final MediaType APPLICATION_JSON = new MediaType();

    public static MediaType parseMediaType(String mediaType) {
        return new MediaType();
    }
}
