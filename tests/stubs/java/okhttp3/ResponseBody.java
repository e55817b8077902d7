// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package okhttp3;

import java.io.Closeable;
import java.io.IOException;

public abstract class ResponseBody implements Closeable {
    public abstract String string() throws IOException;
}
