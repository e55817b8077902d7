// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package okhttp3;

public final class HttpUrl {
    private HttpUrl() {
    }

    /** Returns null when the URL is not well formed (OkHttp's {@code parse}). */
    public static HttpUrl parse(String url) {
        return new HttpUrl();
    }

    public static HttpUrl get(String url) {
        return new HttpUrl();
    }

    public Builder newBuilder() {
        return new Builder();
    }

    public static final class Builder {
        public Builder scheme(String scheme) {
            return this;
        }

        public Builder host(String host) {
            return this;
        }

        public Builder addPathSegment(String segment) {
            return this;
        }

        public Builder addPathSegments(String segments) {
            return this;
        }

        public Builder addQueryParameter(String name, String value) {
            return this;
        }

        public Builder setQueryParameter(String name, String value) {
            return this;
        }

        public Builder removeAllQueryParameters(String name) {
            return this;
        }

        public HttpUrl build() {
            return new HttpUrl();
        }
    }
}
