package io.condenser.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    @Test
    void signsTheStandardWebhooksTestVector() {
        // The vector of the Standard Webhooks reference libraries (secret, id, timestamp, body → signature).
        byte[] key = WebhookSecret.key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        String signature = WebhookSigner.signature(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}");

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void anyChangeToIdTimestampOrBodyChangesTheSignature() {
        byte[] key = WebhookSecret.key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        String original = WebhookSigner.signature(key, "msg_1", 1614265330, "{}");

        assertThat(WebhookSigner.signature(key, "msg_2", 1614265330, "{}")).isNotEqualTo(original);
        assertThat(WebhookSigner.signature(key, "msg_1", 1614265331, "{}")).isNotEqualTo(original);
        assertThat(WebhookSigner.signature(key, "msg_1", 1614265330, "{ }")).isNotEqualTo(original);
    }

    @Test
    void secretsMustBeWhsecAndBase64OfTwentyFourToSixtyFourBytes() {
        assertThat(WebhookSecret.key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).hasSize(24);
        assertThatThrownBy(() -> WebhookSecret.key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whsec_");
        assertThatThrownBy(() -> WebhookSecret.key("whsec_not base64!"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not base64");
        assertThatThrownBy(() -> WebhookSecret.key("whsec_c2hvcnQ="))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 5");
    }
}
