package io.condenser.problem;

/** One refused field of a request, named by its path (e.g. {@code steps[0].weightType}). */
public record FieldProblem(String field, String message) {
}
