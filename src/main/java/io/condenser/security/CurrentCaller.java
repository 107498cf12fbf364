package io.condenser.security;

import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/** The caller of the request being handled, as {@link ApiKeyAuthenticationFilter} authenticated it. */
@Component
public class CurrentCaller {

    /** @throws IllegalStateException outside an authenticated request (a bug: the filter guards every API path) */
    public Caller get() {
        Object caller = RequestContextHolder.currentRequestAttributes()
                .getAttribute(Caller.ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        if (!(caller instanceof Caller authenticated)) {
            throw new IllegalStateException("no authenticated caller in this request");
        }
        return authenticated;
    }

    public UUID tenantId() {
        return get().tenantId();
    }
}
