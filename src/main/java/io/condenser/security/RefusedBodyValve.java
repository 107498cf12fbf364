package io.condenser.security;

import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * Has Tomcat close the connection of a request that {@link ApiKeyAuthenticationFilter} refused with its body unread,
 * instead of reading and discarding that body: server.tomcat.max-swallow-size is unlimited (so that over-limit uploads
 * get their 413), and a {@code Connection: close} in the answer alone does not stop Tomcat from swallowing. An engine
 * valve, so that it acts after the host has rendered the answer (a context valve would have Tomcat add its error page).
 */
final class RefusedBodyValve extends ValveBase {

    RefusedBodyValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        getNext().invoke(request, response);
        if (request.getAttribute(ApiKeyAuthenticationFilter.REFUSED_WITH_BODY) != null) {
            request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
        }
    }
}
