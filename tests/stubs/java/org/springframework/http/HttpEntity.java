// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.springframework.http;

import org.springframework.util.MultiValueMap;

public class HttpEntity<T> {
    public static final HttpEntity<?> EMPTY = new HttpEntity<>();

    private final T body;
    private final HttpHeaders headers = new HttpHeaders();

    protected HttpEntity() {
        this(null, null);
    }

    public HttpEntity(T body) {
        this(body, null);
    }

    public HttpEntity(MultiValueMap<String, String> headers) {
        this(null, headers);
    }

    public HttpEntity(T body, MultiValueMap<String, String> headers) {
        this.body = body;
        if (headers != null) {
            this.headers.putAll(headers);
        }
    }

    public HttpHeaders getHeaders() {
        return headers;
    }

    public T getBody() {
        return body;
    }
}
