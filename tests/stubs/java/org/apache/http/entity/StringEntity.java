// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http.entity;

import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import org.apache.http.HttpEntity;

public class StringEntity implements HttpEntity {
    public StringEntity(String string) throws UnsupportedEncodingException {
    }

    public StringEntity(String string, ContentType contentType) {
    }

    public StringEntity(String string, String charset) throws UnsupportedEncodingException {
    }

    public InputStream getContent() {
        return InputStream.nullInputStream();
    }

    public long getContentLength() {
        return 0;
    }
}
