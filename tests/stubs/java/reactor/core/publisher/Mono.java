// Compile-only stub for tests/fix.rs: the members the fixtures and their fixed output use.
package reactor.core.publisher;

import java.util.function.Function;

public abstract class Mono<T> {
    public abstract T block();

    public abstract <R> Mono<R> map(Function<? super T, ? extends R> mapper);
}
