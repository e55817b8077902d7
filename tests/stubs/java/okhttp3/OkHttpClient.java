// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package okhttp3;

public class OkHttpClient {
    public Call newCall(Request request) {
        throw new UnsupportedOperationException("stub");
    }
}
