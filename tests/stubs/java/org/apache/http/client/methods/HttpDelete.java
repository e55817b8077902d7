// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http.client.methods;

import java.net.URI;

public class HttpDelete extends HttpRequestBase {
    public HttpDelete() {
    }

    public HttpDelete(URI uri) {
        setURI(uri);
    }

    public HttpDelete(String uri) {
        setURI(URI.create(uri));
    }

    @Override
    public String getMethod() {
        return "DELETE";
    }
}
