// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package okhttp3;

import java.net.URL;

public final class Request {
    private Request() {
    }

    public static class Builder {
        public Builder url(HttpUrl url) {
            return this;
        }

        public Builder url(String url) {
            return this;
        }

        public Builder url(URL url) {
            return this;
        }

        public Builder header(String name, String value) {
            return this;
        }

        public Builder addHeader(String name, String value) {
            return this;
        }

        public Builder get() {
            return this;
        }

        public Builder post(RequestBody body) {
            return this;
        }

        public Builder put(RequestBody body) {
            return this;
        }

        public Builder delete() {
            return this;
        }

        public Request build() {
            return new Request();
        }
    }
}
