package io.condenser.api;

import io.condenser.support.Submitted;
import org.springframework.http.ResponseEntity;

/** Marks the answer to a request that an earlier one with the same Idempotency-Key already carried out. */
final class Replays {

    static final String HEADER = "Idempotent-Replayed";

    private Replays() {
    }

    static ResponseEntity.BodyBuilder mark(ResponseEntity.BodyBuilder response, Submitted<?> submitted) {
        return submitted.replayed() ? response.header(HEADER, "true") : response;
    }
}
