// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http.client.utils;

import java.net.URI;
import java.net.URISyntaxException;

public class URIBuilder {
    public URIBuilder() {
    }

    public URIBuilder(String uri) throws URISyntaxException {
        new URI(uri);
    }

    public URIBuilder(URI uri) {
    }

    public URIBuilder addParameter(String name, String value) {
        return this;
    }

    public URIBuilder setParameter(String name, String value) {
        return this;
    }

    public URIBuilder setPath(String path) {
        return this;
    }

    public URI build() throws URISyntaxException {
        return new URI("");
    }
}
