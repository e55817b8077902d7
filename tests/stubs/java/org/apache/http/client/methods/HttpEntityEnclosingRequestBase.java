// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.apache.http.client.methods;

import org.apache.http.HttpEntity;

public abstract class HttpEntityEnclosingRequestBase extends HttpRequestBase {
    private HttpEntity entity;

    public HttpEntity getEntity() {
        return entity;
    }

    public void setEntity(HttpEntity entity) {
        this.entity = entity;
    }
}
