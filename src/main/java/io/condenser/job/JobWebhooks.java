package io.condenser.job;

import io.condenser.problem.FieldProblem;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import io.condenser.webhook.RefusedWebhookTargetException;
import io.condenser.webhook.WebhookOutbox;
import io.condenser.webhook.WebhookProperties;
import io.condenser.webhook.WebhookTargets;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** The webhook of a submitted job: checked before anything is written, then stored with the job. */
@Component
class JobWebhooks {

    private final WebhookTargets targets;
    private final WebhookOutbox outbox;
    private final boolean serviceSecret;

    JobWebhooks(WebhookTargets targets, WebhookOutbox outbox, WebhookProperties properties) {
        this.targets = targets;
        this.outbox = outbox;
        this.serviceSecret = properties.signingSecret() != null;
    }

    /**
     * @param submitted the webhook as submitted (with its secret), already checked by the planner
     * @throws ProblemException WEBHOOK_TARGET_REFUSED for a URL it may not call, WEBHOOK_SECRET_REQUIRED when no
     *                          secret could sign its messages
     */
    void check(JobSpecDocument.WebhookDocument submitted) {
        if (submitted == null) {
            return;
        }
        try {
            targets.check(submitted.url());
        } catch (RefusedWebhookTargetException e) {
            throw new ProblemException(ProblemType.WEBHOOK_TARGET_REFUSED, "webhook.url " + e.getMessage(),
                    List.of(new FieldProblem("webhook.url", e.getMessage())));
        }
        if (submitted.secret() == null && !serviceSecret) {
            throw new ProblemException(ProblemType.WEBHOOK_SECRET_REQUIRED, "the webhook needs a secret to sign its"
                    + " messages with: give webhook.secret, or configure condenser.webhooks.signing-secret",
                    List.of(new FieldProblem("webhook.secret", "required: this service has no signing secret")));
        }
    }

    /**
     * Stores the webhook in the caller's transaction.
     *
     * @param planned the normalized webhook (events filled in, no secret)
     * @param secret  the submitted secret, or null
     */
    void register(UUID jobId, JobSpecDocument.WebhookDocument planned, String secret) {
        if (planned != null) {
            outbox.register(jobId, planned.url(), planned.events(), secret);
        }
    }
}
