// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http.client.methods;

import java.net.URI;
import org.apache.http.HttpRequest;

public interface HttpUriRequest extends HttpRequest {
    String getMethod();

    URI getURI();
}
