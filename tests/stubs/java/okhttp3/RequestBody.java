// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package okhttp3;

public abstract class RequestBody {
    public static RequestBody create(String content, MediaType contentType) {
        throw new UnsupportedOperationException("stub");
    }

    /** The OkHttp 3 argument order, deprecated but still present in OkHttp 4. */
    public static RequestBody create(MediaType contentType, String content) {
        throw new UnsupportedOperationException("stub");
    }
}
