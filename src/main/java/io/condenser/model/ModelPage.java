package io.condenser.model;

import java.util.List;

/** One page of models and the cursor of the next page, if there is one. */
public record ModelPage(List<ModelEntity> items, String nextCursor) {
}
