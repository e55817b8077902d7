// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package okhttp3;

public final class MediaType {
    private MediaType() {
    }

    public static MediaType get(String mediaType) {
        return new MediaType();
    }

    public static MediaType parse(String mediaType) {
        return new MediaType();
    }
}
