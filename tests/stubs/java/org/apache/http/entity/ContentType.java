// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http.entity;

public final class ContentType {
    public static final ContentType APPLICATION_JSON = new ContentType();
    public static final ContentType TEXT_PLAIN = new ContentType();

    private ContentType() {
    }

    public static ContentType create(String mimeType, String charset) {
        return new ContentType();
    }
}
