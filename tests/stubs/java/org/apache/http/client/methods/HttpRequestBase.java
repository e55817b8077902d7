// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http.client.methods;

import java.net.URI;

public abstract class HttpRequestBase implements HttpUriRequest {
    private URI uri;

    public URI getURI() {
        return uri;
    }

    public void setURI(URI uri) {
        this.uri = uri;
    }

    public void setHeader(String name, String value) {
    }

    public void addHeader(String name, String value) {
    }

    public boolean containsHeader(String name) {
        return false;
    }

    public void removeHeaders(String name) {
    }
}
