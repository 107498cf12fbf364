package io.condenser.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookTargetsTest {

    private final WebhookTargets publicOnly = new WebhookTargets(false);
    private final WebhookTargets privateAllowed = new WebhookTargets(true);

    @ParameterizedTest
    @CsvSource({
            "http://127.0.0.1:8080/hook, loopback",
            "http://localhost/hook, loopback",
            "http://[::1]/hook, loopback",
            "http://10.1.2.3/hook, private",
            "http://172.16.0.9/hook, private",
            "http://192.168.1.1/hook, private",
            "http://169.254.169.254/latest/meta-data/, link-local",
            "http://[fe80::1]/hook, link-local",
            "http://[::ffff:127.0.0.1]/hook, loopback",
            "http://[::ffff:10.0.0.1]/hook, private",
            "http://[::127.0.0.1]/hook, loopback",
            "http://[64:ff9b::a9fe:a9fe]/hook, link-local",
            "http://[2002:a00:1::]/hook, private",
            "http://[fd12:3456::1]/hook, unique local",
            "http://100.64.0.1/hook, carrier-grade NAT",
            "http://0.0.0.0/hook, unspecified",
            "http://[::]/hook, unspecified",
            "http://224.0.0.1/hook, multicast",
            "http://255.255.255.255/hook, broadcast",
            "http://198.19.255.1/hook, benchmarking",
            "http://192.0.0.170/hook, IETF protocol assignment",
            "http://[64:ff9b:1::a00:1]/hook, local-use NAT64",
    })
    void internalAddressesAreRefusedWithoutNamingThem(String url, String reason) throws Exception {
        assertThatThrownBy(() -> publicOnly.check(url)).isInstanceOf(RefusedWebhookTargetException.class)
                .hasMessageContaining("resolves to a private or internal address");
        String host = URI.create(url).getHost().replaceAll("^\\[|]$", "");
        assertThat(InetAddress.getAllByName(host)).allSatisfy(address ->
                assertThat(WebhookTargets.whyRefused(address)).get(InstanceOfAssertFactories.STRING)
                        .contains(reason));
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.17.255.255", "198.20.0.1", "192.0.1.1", "192.0.2.1", "[64:ff9b:2::1]"})
    void addressesNextToTheRefusedRangesAreNotRefusedAsThem(String host) throws Exception {
        assertThat(WebhookTargets.whyRefused(InetAddress.getByName(host.replaceAll("^\\[|]$", ""))).orElse(""))
                .as("public, or refused for another reason").doesNotContain("benchmarking", "IETF", "local-use");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost/hook", "http://[::ffff:10.0.0.1]/hook"})
    void aRefusalNamesNeitherTheAddressNorWhatKindOfInternalAddressItIs(String url) {
        assertThatThrownBy(() -> publicOnly.check(url)).isInstanceOf(RefusedWebhookTargetException.class)
                .hasMessageNotContaining("127.0.0.1").hasMessageNotContaining("10.0.0.1 ")
                .hasMessageNotContaining("loopback").hasMessageNotContaining("(");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/hook", "file:///etc/passwd", "gopher://1.1.1.1/", "not a url",
            "http:///no-host", "https://user:password@1.1.1.1/hook"})
    void onlyHttpUrlsWithAHostAndNoCredentialsAreAllowed(String url) {
        assertThatThrownBy(() -> publicOnly.check(url)).isInstanceOf(RefusedWebhookTargetException.class);
        assertThatThrownBy(() -> privateAllowed.check(url)).isInstanceOf(RefusedWebhookTargetException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://1.1.1.1/hook", "http://8.8.8.8:8080/hook?x=1", "https://[2606:4700::1111]/"})
    void publicAddressesAreAllowed(String url) {
        assertThat(publicOnly.check(url).toString()).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/hook", "http://[::1]/hook", "http://10.1.2.3/hook"})
    void privateTargetsCanBeAllowed(String url) {
        assertThat(privateAllowed.check(url).toString()).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "localhost", "[::ffff:169.254.169.254]"})
    void theResolverADeliveryConnectsThroughRefusesInternalAddressesToo(String host) {
        assertThatThrownBy(() -> publicOnly.resolve(host)).isInstanceOf(RefusedWebhookTargetException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1.1.1", "[2606:4700::1111]"})
    void theResolverReturnsPublicAddresses(String host) throws Exception {
        assertThat(publicOnly.resolve(host)).hasSize(1).allMatch(a -> !a.isLoopbackAddress());
        assertThat(WebhookTargets.whyRefused(InetAddress.getByName("93.184.215.14"))).isEmpty();
    }
}
