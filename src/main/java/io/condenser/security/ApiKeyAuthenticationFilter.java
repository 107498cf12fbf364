package io.condenser.security;

import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Authenticates every non-public request by its {@code Authorization: Bearer <key>}, checks the scope the request
 * needs and the tenant's request rate, and keeps the {@link Caller} for the controllers. A servlet filter rather than a
 * handler interceptor: it answers before Spring MVC reads a multipart body, so an unauthenticated upload is never
 * stored. Spring Security would bring sessions, CSRF and a filter chain to configure for what is one header lookup.
 * Refusals are rendered by the application's problem handler, like every other error; a refused request with a body is
 * answered with {@code Connection: close} and marked for {@link RefusedBodyValve}, so that Tomcat closes the connection
 * instead of reading and discarding the body, which would let an unauthenticated client hold a request thread for as
 * long as it keeps sending.
 */
@Component
public class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    private static final String BEARER = "bearer ";
    /** The request attribute that marks a request refused with its body unread. */
    static final String REFUSED_WITH_BODY = ApiKeyAuthenticationFilter.class.getName() + ".refusedWithBody";

    private final ApiKeys keys;
    private final RequestRateLimiter rateLimiter;
    private final HandlerExceptionResolver problems;

    public ApiKeyAuthenticationFilter(ApiKeys keys, RequestRateLimiter rateLimiter,
                                      @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        this.keys = keys;
        this.rateLimiter = rateLimiter;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (AccessRules.isPublic(path)) {
            chain.doFilter(request, response);
            return;
        }
        try {
            Caller caller = authenticate(request.getHeader(HttpHeaders.AUTHORIZATION));
            Scope needed = AccessRules.requiredScope(request.getMethod(), path);
            if (!caller.has(needed)) {
                throw new ProblemException(ProblemType.INSUFFICIENT_SCOPE, "this request needs an API key with the '"
                        + needed.wireName() + "' scope")
                        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_scope\", scope=\""
                                + needed.wireName() + "\"");
            }
            Optional<Duration> wait = rateLimiter.acquire(caller);
            if (wait.isPresent()) {
                throw new ProblemException(ProblemType.RATE_LIMITED, "the tenant's request rate limit is reached;"
                        + " retry in " + wait.get().toSeconds() + " s")
                        .header(HttpHeaders.RETRY_AFTER, Long.toString(wait.get().toSeconds()));
            }
            request.setAttribute(Caller.ATTRIBUTE, caller);
        } catch (ProblemException refused) {
            if (hasBody(request)) {
                response.setHeader(HttpHeaders.CONNECTION, "close");
                request.setAttribute(REFUSED_WITH_BODY, Boolean.TRUE);
            }
            if (problems.resolveException(request, response, null, refused) == null) {
                throw refused;
            }
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    private Caller authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new ProblemException(ProblemType.UNAUTHORIZED, "send an API key as 'Authorization: Bearer <key>'")
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"condenser\"");
        }
        return keys.authenticate(authorization.substring(BEARER.length()).strip())
                .orElseThrow(() -> new ProblemException(ProblemType.UNAUTHORIZED, "the API key is unknown or revoked")
                        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"condenser\", error=\"invalid_token\""));
    }
}
