// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package org.springframework.web.reactive.function.client;

import java.net.URI;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import reactor.core.publisher.Mono;

/** Spring WebFlux's WebClient with its self-typed request specs, as in the real interface. */
public interface WebClient {
    RequestHeadersUriSpec<?> get();

    RequestHeadersUriSpec<?> delete();

    RequestBodyUriSpec post();

    RequestBodyUriSpec put();

    RequestBodyUriSpec patch();

    static WebClient create() {
        throw new UnsupportedOperationException("stub");
    }

    static WebClient create(String baseUrl) {
        throw new UnsupportedOperationException("stub");
    }

    static Builder builder() {
        throw new UnsupportedOperationException("stub");
    }

    interface Builder {
        Builder baseUrl(String baseUrl);

        Builder defaultHeader(String header, String... values);

        Builder defaultHeaders(Consumer<HttpHeaders> headersConsumer);

        WebClient build();
    }

    interface UriSpec<S extends RequestHeadersSpec<?>> {
        S uri(String uri, Object... uriVariables);

        S uri(String uri, Map<String, ?> uriVariables);

        S uri(URI uri);
    }

    interface RequestHeadersSpec<S extends RequestHeadersSpec<S>> {
        S header(String headerName, String... headerValues);

        S headers(Consumer<HttpHeaders> headersConsumer);

        S accept(MediaType... acceptableMediaTypes);

        ResponseSpec retrieve();
    }

    interface RequestHeadersUriSpec<S extends RequestHeadersSpec<S>> extends UriSpec<S>, RequestHeadersSpec<S> {
    }

    interface RequestBodySpec extends RequestHeadersSpec<RequestBodySpec> {
        RequestBodySpec contentType(MediaType contentType);

        RequestHeadersSpec<?> bodyValue(Object body);
    }

    interface RequestBodyUriSpec extends RequestBodySpec, RequestHeadersUriSpec<RequestBodySpec> {
    }

    interface ResponseSpec {
        <T> Mono<T> bodyToMono(Class<T> elementClass);

        <T> Mono<ResponseEntity<T>> toEntity(Class<T> bodyClass);
    }
}
