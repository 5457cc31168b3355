package dev.backlot.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static, parameterless method of the test class (or of a superclass or enclosing class)
 * that makes the fakes of the type it returns, for setup an annotation cannot express. It
 * returns either a fake or a builder (anything with a {@code build()} returning a fake; settings
 * of {@link FakeConfig} are applied to a returned builder). It is called every time a fake is
 * needed, so it must return a new one each time.
 *
 * <pre>{@code
 * @BacklotTest
 * class InventoryTest {
 *   HttpFake warehouse;
 *
 *   @FakeFactory
 *   static HttpFake.Builder warehouse() {
 *     // setup(...) runs again on every reset, so every test starts with this stub
 *     return HttpFake.builder()
 *         .setup(f -> f.stub("GET", "/health").respond(Response.text(200, "ok")));
 *   }
 * }
 * }</pre>
 *
 * <p>A factory serves every field and parameter whose type it can fill. When several factories
 * can, name the one to use with {@link FakeConfig#factory()}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface FakeFactory {}
