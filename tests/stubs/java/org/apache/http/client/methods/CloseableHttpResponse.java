// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http.client.methods;

import java.io.Closeable;
import org.apache.http.HttpResponse;

public interface CloseableHttpResponse extends HttpResponse, Closeable {
}
