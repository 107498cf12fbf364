package io.condenser.job;

import io.condenser.problem.ProblemType;

/** Why a job failed, stored with the job as a problem detail (RFC 9457 members). */
public record JobError(String type, String title, int status, String detail) {

    public static JobError of(ProblemType type, String detail) {
        return new JobError(type.uri().toString(), type.title(), type.status(), detail);
    }
}
