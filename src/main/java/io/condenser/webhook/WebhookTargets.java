package io.condenser.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Which URLs webhooks may call (server-side request forgery): http or https, and a host whose every address is public.
 * Loopback, private, link-local (cloud metadata at 169.254.169.254), unique-local, shared (CGNAT), benchmarking, IETF
 * protocol assignment, local-use NAT64, unspecified, multicast and reserved addresses are refused, also when written as
 * IPv6 forms that embed an IPv4 address, unless private targets are allowed. A refusal names no address: what a host
 * name resolves to inside the network is no business of the client's (it is logged for the operator).
 */
@Component
public class WebhookTargets {

    private static final Logger log = LoggerFactory.getLogger(WebhookTargets.class);

    private final boolean allowPrivate;

    @Autowired
    public WebhookTargets(WebhookProperties properties) {
        this(properties.allowPrivateTargets());
    }

    WebhookTargets(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /**
     * Checks a webhook URL, resolving its host.
     *
     * @throws RefusedWebhookTargetException saying why it may not be called
     */
    public URI check(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new RefusedWebhookTargetException("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new RefusedWebhookTargetException("must be an http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw new RefusedWebhookTargetException("must not contain credentials");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new RefusedWebhookTargetException("has no host");
        }
        resolve(uri.getHost());
        return uri;
    }

    /**
     * The addresses of a host, each of them an allowed target: what a delivery connects to.
     *
     * @param host a name, an IPv4 literal, or an IPv6 literal with or without brackets
     * @throws RefusedWebhookTargetException when the host does not resolve or one of its addresses is refused
     */
    public InetAddress[] resolve(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw new RefusedWebhookTargetException("host " + host + " does not resolve");
        }
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                whyRefused(address).ifPresent(reason -> {
                    log.info("webhook target host {} refused: {} is {}", host, address.getHostAddress(), reason);
                    throw new RefusedWebhookTargetException("host " + host + " resolves to a private or internal"
                            + " address; webhooks may only call public addresses");
                });
            }
        }
        return addresses;
    }

    /** Why an address may not be a webhook target, if it may not. */
    static Optional<String> whyRefused(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return Optional.of("the unspecified address");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("a loopback address");
        }
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            Optional<Inet4Address> embedded = embeddedIpv4(bytes);
            if (embedded.isPresent()) {
                return whyRefused(embedded.get()).map(reason -> reason + " embedded in an IPv6 address");
            }
            if ((bytes[0] & 0xfe) == 0xfc) {
                return Optional.of("a unique local address (fc00::/7)");
            }
            if (bytes[0] == 0 && bytes[1] == 0x64 && (bytes[2] & 0xff) == 0xff && (bytes[3] & 0xff) == 0x9b
                    && bytes[4] == 0 && bytes[5] == 1) {
                return Optional.of("a local-use NAT64 address (64:ff9b:1::/48)");
            }
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local address (where cloud metadata services answer)");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("a private address");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        if (address instanceof Inet4Address) {
            int first = address.getAddress()[0] & 0xff;
            int second = address.getAddress()[1] & 0xff;
            if (first == 100 && (second & 0xc0) == 64) {
                return Optional.of("a shared (carrier-grade NAT) address (100.64.0.0/10)");
            }
            if (first == 198 && (second & 0xfe) == 18) {
                return Optional.of("a benchmarking address (198.18.0.0/15)");
            }
            if (first == 192 && second == 0 && (address.getAddress()[2] & 0xff) == 0) {
                return Optional.of("an IETF protocol assignment address (192.0.0.0/24)");
            }
            if (first == 0) {
                return Optional.of("a 'this network' address (0.0.0.0/8)");
            }
            if (first >= 240) {
                return Optional.of("a reserved or broadcast address (240.0.0.0/4)");
            }
        }
        return Optional.empty();
    }

    /**
     * The IPv4 address inside an IPv6 one that carries it: IPv4-mapped (::ffff:a.b.c.d, which Java usually turns into
     * IPv4 itself), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::).
     */
    private static Optional<Inet4Address> embeddedIpv4(byte[] v6) {
        byte[] v4;
        if (allZero(v6, 0, 10) && (v6[10] & 0xff) == 0xff && (v6[11] & 0xff) == 0xff || allZero(v6, 0, 12)) {
            v4 = Arrays.copyOfRange(v6, 12, 16);
        } else if (v6[0] == 0 && v6[1] == 0x64 && (v6[2] & 0xff) == 0xff && (v6[3] & 0xff) == 0x9b
                && allZero(v6, 4, 12)) {
            v4 = Arrays.copyOfRange(v6, 12, 16);
        } else if (v6[0] == 0x20 && v6[1] == 0x02) {
            v4 = Arrays.copyOfRange(v6, 2, 6);
        } else {
            return Optional.empty();
        }
        try {
            return Optional.of((Inet4Address) InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
