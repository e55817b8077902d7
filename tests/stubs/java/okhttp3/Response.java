// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package okhttp3;

import java.io.Closeable;

public abstract class Response implements Closeable {
    public abstract int code();

    public abstract boolean isSuccessful();

    public abstract ResponseBody body();

    @Override
    public abstract void close();
}
