// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http.client.methods;

import java.net.URI;

public class HttpGet extends HttpRequestBase {
    public HttpGet() {
    }

    public HttpGet(URI uri) {
        setURI(uri);
    }

    public HttpGet(String uri) {
        setURI(URI.create(uri));
    }

    @Override
    public String getMethod() {
        return "GET";
    }
}
