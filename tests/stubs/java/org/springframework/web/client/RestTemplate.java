// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.springframework.web.client;

import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/** The RestOperations members the fixtures use, with Spring's overloads. */
public class RestTemplate {
    public <T> ResponseEntity<T> exchange(String url, HttpMethod method, HttpEntity<?> requestEntity,
            Class<T> responseType, Object... uriVariables) throws RestClientException {
        throw new RestClientException("stub");
    }

    public <T> ResponseEntity<T> exchange(String url, HttpMethod method, HttpEntity<?> requestEntity,
            Class<T> responseType, Map<String, ?> uriVariables) throws RestClientException {
        throw new RestClientException("stub");
    }

    public <T> ResponseEntity<T> exchange(URI url, HttpMethod method, HttpEntity<?> requestEntity,
            Class<T> responseType) throws RestClientException {
        throw new RestClientException("stub");
    }

    public <T> ResponseEntity<T> getForEntity(String url, Class<T> responseType, Object... uriVariables)
            throws RestClientException {
        throw new RestClientException("stub");
    }

    public <T> ResponseEntity<T> getForEntity(String url, Class<T> responseType, Map<String, ?> uriVariables)
            throws RestClientException {
        throw new RestClientException("stub");
    }

    public <T> ResponseEntity<T> getForEntity(URI url, Class<T> responseType) throws RestClientException {
        throw new RestClientException("stub");
    }

    public <T> T getForObject(String url, Class<T> responseType, Object... uriVariables)
            throws RestClientException {
        throw new RestClientException("stub");
    }

    public <T> T getForObject(String url, Class<T> responseType, Map<String, ?> uriVariables)
            throws RestClientException {
        throw new RestClientException("stub");
    }

    public <T> ResponseEntity<T> postForEntity(String url, Object request, Class<T> responseType,
            Object... uriVariables) throws RestClientException {
        throw new RestClientException("stub");
    }

    public <T> T postForObject(String url, Object request, Class<T> responseType, Object... uriVariables)
            throws RestClientException {
        throw new RestClientException("stub");
    }

    public void put(String url, Object request, Object... uriVariables) throws RestClientException {
        throw new RestClientException("stub");
    }

    public void delete(String url, Object... uriVariables) throws RestClientException {
        throw new RestClientException("stub");
    }
}
