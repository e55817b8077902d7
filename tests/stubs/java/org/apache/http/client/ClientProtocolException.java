// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http.client;

import java.io.IOException;

public class ClientProtocolException extends IOException {
    public ClientProtocolException(String message) {
        super(message);
    }
}
