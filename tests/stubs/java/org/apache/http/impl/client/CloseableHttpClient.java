// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http.impl.client;

import java.io.Closeable;
import java.io.IOException;
import org.apache.http.client.ClientProtocolException;
import org.apache.http.client.HttpClient;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpUriRequest;

public abstract class CloseableHttpClient implements HttpClient, Closeable {
    public abstract CloseableHttpResponse execute(HttpUriRequest request)
            throws IOException, ClientProtocolException;
}
