// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http.client;

import java.io.IOException;
import org.apache.http.HttpResponse;
import org.apache.http.client.methods.HttpUriRequest;

public interface HttpClient {
    HttpResponse execute(HttpUriRequest request) throws IOException, ClientProtocolException;
}
