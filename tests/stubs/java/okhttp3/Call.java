// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package okhttp3;

import java.io.IOException;

public interface Call {
    Response execute() throws IOException;
}
