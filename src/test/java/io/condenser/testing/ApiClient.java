package io.condenser.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
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
