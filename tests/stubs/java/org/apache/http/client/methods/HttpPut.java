// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http.client.methods;

import java.net.URI;

public class HttpPut extends HttpEntityEnclosingRequestBase {
    public HttpPut() {
    }

    public HttpPut(URI uri) {
        setURI(uri);
    }

    public HttpPut(String uri) {
        setURI(URI.create(uri));
    }

    @Override
    public String getMethod() {
        return "PUT";
    }
}
