// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.springframework.web.util;

public class UriComponentsBuilder {
    protected UriComponentsBuilder() {
    }

    public static UriComponentsBuilder fromHttpUrl(String httpUrl) {
        return new UriComponentsBuilder();
    }

    public static UriComponentsBuilder fromUriString(String uri) {
        return new UriComponentsBuilder();
    }

    public UriComponentsBuilder queryParam(String name, Object... values) {
        return this;
    }

    public String toUriString() {
        return "";
    }
}
