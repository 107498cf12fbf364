package io.condenser.api;

import io.condenser.api.generated.JobsApi;
import io.condenser.problem.FieldProblem;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import io.condenser.storage.ArtifactTooLargeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every error leaves as an RFC 9457 problem detail whose {@code type} names the kind of error; validation errors list
 * the refused fields under {@code errors}.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<Object> handleProblem(ProblemException e, WebRequest request) {
        HttpHeaders headers = new HttpHeaders();
        e.headers().forEach(headers::set);
        return problem(e.type(), e.getMessage(), e.errors(), headers, request);
    }

    @ExceptionHandler(ArtifactTooLargeException.class)
    ResponseEntity<Object> handleTooLarge(ArtifactTooLargeException e, WebRequest request) {
        return problem(ProblemType.UPLOAD_TOO_LARGE, e.getMessage(), List.of(), request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handleUnexpected(Exception e, WebRequest request) {
        log.error("unexpected error answering {}", request.getDescription(false), e);
        return problem(ProblemType.INTERNAL_ERROR, "an unexpected error occurred; it was logged", List.of(), request);
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException e,
                                                                          HttpHeaders headers, HttpStatusCode status,
                                                                          WebRequest request) {
        return problem(ProblemType.UPLOAD_TOO_LARGE, "the upload exceeds the limit of "
                + e.getMaxUploadSize() + " bytes", List.of(), request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        List<FieldProblem> errors = e.getBindingResult().getFieldErrors().stream()
                .map(f -> new FieldProblem(f.getField(), message(f))).toList();
        return problem(invalidType(request), summary(errors), errors, request);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
                                                                            HttpHeaders headers,
                                                                            HttpStatusCode status,
                                                                            WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        e.getParameterValidationResults().forEach(result -> {
            if (result instanceof ParameterErrors bean) {
                // A request body: name the fields inside it, as a client wrote them.
                bean.getFieldErrors().forEach(f -> errors.add(new FieldProblem(f.getField(), message(f))));
                return;
            }
            String name = parameterName(result.getMethodParameter());
            result.getResolvableErrors().forEach(error -> errors.add(new FieldProblem(name,
                    String.valueOf(error.getDefaultMessage()))));
        });
        return problem(invalidType(request), summary(errors), errors, request);
    }

    /** The name a client knows a parameter by: a header's or query parameter's own name. */
    private static String parameterName(MethodParameter parameter) {
        RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
        if (header != null && !header.value().isEmpty()) {
            return header.value();
        }
        RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
        if (query != null && !query.value().isEmpty()) {
            return query.value();
        }
        return parameter.getParameterName() == null ? "request" : parameter.getParameterName();
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        String detail = "the request body is not valid JSON for this operation";
        if (e.getCause() instanceof JacksonException jackson) {
            String path = path(jackson.getPath());
            String reason = jackson.getOriginalMessage();
            if (!path.isEmpty()) {
                errors.add(new FieldProblem(path, reason));
            }
            detail = path.isEmpty() ? reason : path + ": " + reason;
        }
        return problem(invalidType(request), detail, errors, request);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestPart(MissingServletRequestPartException e,
                                                                     HttpHeaders headers, HttpStatusCode status,
                                                                     WebRequest request) {
        return problem(ProblemType.INVALID_REQUEST, "the multipart part '" + e.getRequestPartName()
                + "' is required", List.of(new FieldProblem(e.getRequestPartName(), "required")), request);
    }

    /** Gives problems made by Spring for its own exceptions (404, 405, 415 ...) a type of ours where one fits. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, @Nullable Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail detail && "about:blank".equals(String.valueOf(detail.getType()))) {
            ProblemType type = switch (status.value()) {
                case 400 -> ProblemType.INVALID_REQUEST;
                case 404 -> ProblemType.NOT_FOUND;
                case 413 -> ProblemType.UPLOAD_TOO_LARGE;
                default -> null;
            };
            if (type != null) {
                detail.setType(type.uri());
            }
        }
        return super.handleExceptionInternal(e, body, headers, status, request);
    }

    private ResponseEntity<Object> problem(ProblemType type, String detail, List<FieldProblem> errors,
                                           WebRequest request) {
        return problem(type, detail, errors, new HttpHeaders(), request);
    }

    private ResponseEntity<Object> problem(ProblemType type, String detail, List<FieldProblem> errors,
                                           HttpHeaders headers, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(type.status()), detail);
        problem.setType(type.uri());
        problem.setTitle(type.title());
        if (!errors.isEmpty()) {
            problem.setProperty("errors", errors.stream()
                    .map(f -> Map.of("field", f.field(), "message", f.message())).toList());
        }
        return super.handleExceptionInternal(new RuntimeException(detail), problem, headers,
                HttpStatus.valueOf(type.status()), request);
    }

    /**
     * A job submission reports every refusal of its body, whether Spring or the planner found it, as an invalid job
     * spec, so that pipelines need to handle one type.
     */
    private static ProblemType invalidType(WebRequest request) {
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE,
                RequestAttributes.SCOPE_REQUEST);
        boolean jobSubmission = JobsApi.PATH_CREATE_JOB.equals(pattern) && request instanceof ServletWebRequest servlet
                && "POST".equals(servlet.getRequest().getMethod());
        return jobSubmission ? ProblemType.INVALID_JOB_SPEC : ProblemType.INVALID_REQUEST;
    }

    private static String message(FieldError error) {
        return error.getDefaultMessage() == null ? "is not valid" : error.getDefaultMessage();
    }

    private static String summary(List<FieldProblem> errors) {
        return errors.isEmpty() ? "the request is not valid" : errors.stream()
                .map(f -> f.field() + ": " + f.message()).reduce((a, b) -> a + "; " + b).orElseThrow();
    }

    private static String path(List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : references) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
