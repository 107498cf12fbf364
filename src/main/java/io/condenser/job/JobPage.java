package io.condenser.job;

import java.util.List;

/** One page of jobs and the cursor of the next page, if there is one. */
public record JobPage(List<JobEntity> items, String nextCursor) {
}
