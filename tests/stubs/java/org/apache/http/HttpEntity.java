// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http;

import java.io.IOException;
import java.io.InputStream;

public interface HttpEntity {
    InputStream getContent() throws IOException;

    long getContentLength();
}
