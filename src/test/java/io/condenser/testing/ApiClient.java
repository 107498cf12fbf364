package io.condenser.testing;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small HTTP client for tests: talks to the service over a real socket, as clients do, sending its API key (if it
 * has one) with every request.
 */
public final class ApiClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String base;
    private final String apiKey;

    /** @param apiKey sent as {@code Authorization: Bearer}; null for none */
    public ApiClient(String base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    /** The same service, called with another key (null: none). */
    public ApiClient withKey(String otherKey) {
        return new ApiClient(base, otherKey);
    }

    /** A response with its body kept as bytes. */
    public record Response(int status, java.net.http.HttpHeaders headers, byte[] body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String contentType() {
            return header("Content-Type");
        }
    }

    /** Polls a job until its status is one of the given ones or the time is up; returns the last state seen. */
    public JsonNode awaitJob(String location, java.time.Duration timeout, String... statuses) {
        java.util.List<String> wanted = java.util.List.of(statuses);
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = get(location).json();
        while (!wanted.contains(job.get("status").asString()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return job;
            }
            job = get(location).json();
        }
        return job;
    }

    /** One Server-Sent Event as received. */
    public record ServerSentEvent(String id, String event, String data) {
        public JsonNode json() {
            return JSON.readTree(data);
        }
    }

    /**
     * What a request for Server-Sent Events brought.
     *
     * @param events   the events received, in order (none unless the status is 200)
     * @param comments the comment lines received (keep-alives)
     * @param ended    whether the server ended the stream (false: the client stopped reading at its timeout)
     * @param body     the body of an answer that is not a stream (a problem detail)
     */
    public record EventStream(int status, java.net.http.HttpHeaders headers, List<ServerSentEvent> events,
                              List<String> comments, boolean ended, byte[] body) {
        public String contentType() {
            return headers.firstValue("Content-Type").orElse(null);
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    /** Reads Server-Sent Events until the server ends the stream or the timeout passes. */
    public EventStream readEvents(String path, java.time.Duration timeout, String... headerPairs) {
        return readEvents(path, timeout, event -> { }, headerPairs);
    }

    /**
     * Reads Server-Sent Events (sending {@code Accept: text/event-stream}) until the server ends the stream or the
     * timeout passes, handing each event to {@code onEvent} as it arrives.
     */
    public EventStream readEvents(String path, java.time.Duration timeout, Consumer<ServerSentEvent> onEvent,
                                  String... headerPairs) {
        String[] headers = new String[headerPairs.length + 2];
        headers[0] = "Accept";
        headers[1] = "text/event-stream";
        System.arraycopy(headerPairs, 0, headers, 2, headerPairs.length);
        HttpResponse<InputStream> response;
        try {
            response = HTTP.send(request(path, headers).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (response.statusCode() != 200) {
            try (InputStream body = response.body()) {
                return new EventStream(response.statusCode(), response.headers(), List.of(), List.of(), true,
                        body.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<ServerSentEvent> events = new CopyOnWriteArrayList<>();
        List<String> comments = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> parseEvents(response.body(), event -> {
            events.add(event);
            onEvent.accept(event);
        }, comments::add));
        boolean ended;
        try {
            reading.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            ended = true;
        } catch (TimeoutException e) {
            ended = false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("reading the event stream failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            try {
                response.body().close();
            } catch (IOException e) {
                // The stream is abandoned either way.
            }
        }
        return new EventStream(response.statusCode(), response.headers(), List.copyOf(events), List.copyOf(comments),
                ended, new byte[0]);
    }

    /** The text/event-stream format: fields per line, an empty line ends an event, ':' starts a comment. */
    private static void parseEvents(InputStream body, Consumer<ServerSentEvent> onEvent, Consumer<String> onComment) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    if (data != null) {
                        onEvent.accept(new ServerSentEvent(id, event, data.toString()));
                    }
                    event = null;
                    data = null;
                    continue;
                }
                if (line.startsWith(":")) {
                    onComment.accept(line.substring(1).strip());
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                value = value.startsWith(" ") ? value.substring(1) : value;
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> event = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> {
                    }
                }
            }
        } catch (IOException e) {
            // Closed by the reader at its timeout.
        }
    }

    public Response get(String path, String... headerPairs) {
        return send(request(path, headerPairs).GET().build());
    }

    public Response delete(String path) {
        return send(request(path).DELETE().build());
    }

    public Response postJson(String path, Object body, String... headerPairs) {
        String json = body instanceof String s ? s : JSON.writeValueAsString(body);
        String[] headers = new String[headerPairs.length + 2];
        headers[0] = "Content-Type";
        headers[1] = "application/json";
        System.arraycopy(headerPairs, 0, headers, 2, headerPairs.length);
        return send(request(path, headers).POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public Response post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** POSTs multipart/form-data: a file part named "file" (when not null) and text fields. */
    public Response upload(String path, String fileName, byte[] content, Map<String, String> fields,
                           String... headerPairs) {
        String boundary = "----condenser" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                    + "\"\r\n\r\n" + field.getValue() + "\r\n");
        }
        if (content != null) {
            write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
            body.writeBytes(content);
            write(body, "\r\n");
        }
        write(body, "--" + boundary + "--\r\n");
        String[] headers = new String[headerPairs.length + 2];
        headers[0] = "Content-Type";
        headers[1] = "multipart/form-data; boundary=" + boundary;
        System.arraycopy(headerPairs, 0, headers, 2, headerPairs.length);
        return send(request(path, headers)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
    }

    public Response uploadModel(String fileName, byte[] content) {
        return upload("/v1/models", fileName, content, Map.of());
    }

    private HttpRequest.Builder request(String path, String... headerPairs) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        for (int i = 0; i < headerPairs.length; i += 2) {
            builder.header(headerPairs[i], headerPairs[i + 1]);
        }
        return builder;
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
