// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.springframework.http;

import java.util.List;
import org.springframework.util.LinkedMultiValueMap;

public class HttpHeaders extends LinkedMultiValueMap<String, String> {
    public void setContentType(MediaType mediaType) {
    }

    public void setAccept(List<MediaType> acceptableMediaTypes) {
    }

    public void setBasicAuth(String username, String password) {
    }

    public void setBearerAuth(String token) {
    }
}
