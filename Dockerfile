# syntax=docker/dockerfile:1
#
# Condenser's image, in two flavours from one Dockerfile (BuildKit builds only the stages a flavour needs):
#   docker build -t condenser .                                   CPU (FLAVOR=cpu, the default)
#   docker build --build-arg FLAVOR=gpu -t condenser:gpu .        GPU: CUDA 12.8 + cuDNN 9 runtime, ONNX Runtime's CUDA
#                                                                 provider, CUDA libtorch 2.7.1 (README "GPU image")
# Both run the Spring Boot layered jar as the non-root user 10001 and write only under /var/lib/condenser,
# /var/cache/condenser and /tmp, so the root filesystem can be mounted read-only.

ARG FLAVOR=cpu
ARG JDK_IMAGE=eclipse-temurin:25-jdk-noble
ARG JRE_IMAGE=eclipse-temurin:25-jre-noble
# CUDA 12 with cuDNN 9 is what onnxruntime_gpu 1.28 links against; libtorch cu128 carries its own CUDA libraries.
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

# ---------------------------------------------------------------------------------------------------------------------
FROM ${JDK_IMAGE} AS sources
WORKDIR /build
# The wrapper and the POM alone first: the layer of downloaded dependencies is reused until pom.xml changes.
COPY .mvn/wrapper/maven-wrapper.properties .mvn/wrapper/
COPY mvnw pom.xml ./
RUN ./mvnw --batch-mode --quiet dependency:go-offline
COPY openapi.yaml ./
COPY src/main src/main

# Tests run in CI (./mvnw verify), not in the image build. The jar is split into Spring Boot's layers, most stable first.
FROM sources AS build-cpu
RUN ./mvnw --batch-mode --quiet -Dmaven.test.skip=true package \
    && java -Djarmode=tools -jar target/condenser-*.jar extract --layers --launcher --destination /build/layers

# The `gpu` profile replaces onnxruntime with onnxruntime_gpu (pom.xml).
FROM sources AS build-gpu
RUN ./mvnw --batch-mode --quiet --activate-profiles gpu -Dmaven.test.skip=true package \
    && java -Djarmode=tools -jar target/condenser-*.jar extract --layers --launcher --destination /build/layers

# ---------------------------------------------------------------------------------------------------------------------
# CUDA libtorch for DJL's PyTorch engine. No CUDA natives jar for 2.7.1 exists on Maven Central and DJL must not
# download at run time (ai.djl.offline), so the image carries the libraries; only lib/ is kept.
FROM ${JDK_IMAGE} AS libtorch
ARG LIBTORCH_URL=https://download.pytorch.org/libtorch/cu128/libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip
# The archive's sha256; when given, the download is checked against it (do so for release builds).
ARG LIBTORCH_SHA256=""
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# Distribution package versions are not pinned: Ubuntu removes superseded versions from its mirrors.
# linter ignore=ER0012
RUN apt-get update \
    && apt-get install --yes --no-install-recommends curl unzip \
    && rm -rf /var/lib/apt/lists/* \
    && curl --fail --silent --show-error --location --output /tmp/libtorch.zip "$LIBTORCH_URL" \
    && if [ -n "$LIBTORCH_SHA256" ]; then echo "$LIBTORCH_SHA256  /tmp/libtorch.zip" | sha256sum --check --strict; fi \
    && unzip -q /tmp/libtorch.zip 'libtorch/lib/*' -d /opt \
    && rm /tmp/libtorch.zip

FROM ${JRE_IMAGE} AS jre

# ---------------------------------------------------------------------------------------------------------------------
FROM ${JRE_IMAGE} AS base-cpu

FROM ${CUDA_IMAGE} AS base-gpu
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
COPY --from=libtorch /opt/libtorch/lib /opt/libtorch/lib
# PYTORCH_*: DJL loads libtorch from the image, with its own CUDA JNI library (cu128, inside pytorch-jni), instead of
# the CPU natives jar. NVIDIA_*: what the NVIDIA container runtime exposes to the container.
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    PYTORCH_LIBRARY_PATH=/opt/libtorch/lib \
    PYTORCH_VERSION=2.7.1 \
    PYTORCH_FLAVOR=cu128 \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility

# build-cpu or build-gpu: a stage of this file, not an image to tag.
# linter ignore=EF0004
FROM build-${FLAVOR} AS application

# ---------------------------------------------------------------------------------------------------------------------
# base-cpu or base-gpu, stages above.
# linter ignore=EF0004
FROM base-${FLAVOR}
# curl: the HEALTHCHECK's client (neither base image promises one). Not pinned, as above.
# linter ignore=ER0012
RUN apt-get update \
    && apt-get install --yes --no-install-recommends curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 condenser \
    && useradd --system --uid 10001 --gid condenser --home-dir /var/lib/condenser --shell /usr/sbin/nologin condenser \
    && mkdir -p /var/lib/condenser/artifacts /var/cache/condenser \
    && chown -R condenser:condenser /var/lib/condenser /var/cache/condenser
# DJL unpacks PyTorch's natives (~432 MB) into DJL_CACHE_DIR on first use; ONNX Runtime and JNA extract theirs into the
# temp directory. OPT_OUT_TRACKING: DJL makes no telemetry call at start. The heap's share of the container's memory is
# in JDK_JAVA_OPTIONS so that it can be changed without repeating the entry point's flags (ONNX Runtime and libtorch
# allocate outside the heap: leave them room).
ENV DJL_CACHE_DIR=/var/cache/condenser/djl \
    XDG_CACHE_HOME=/var/cache/condenser \
    OPT_OUT_TRACKING=true \
    CONDENSER_STORAGE_ROOT=/var/lib/condenser/artifacts \
    PORT=8080 \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=50"
WORKDIR /app
COPY --from=application /build/layers/dependencies/ ./
COPY --from=application /build/layers/spring-boot-loader/ ./
COPY --from=application /build/layers/snapshot-dependencies/ ./
COPY --from=application /build/layers/application/ ./
USER 10001:10001
EXPOSE 8080
# A shell reads PORT when the check runs, so a changed port is still the one probed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["sh", "-c", "curl --fail --silent --output /dev/null http://127.0.0.1:${PORT}/actuator/health/liveness"]
# Native access for DJL, JNA and ONNX Runtime; protobuf's use of sun.misc.Unsafe allowed (JDK 24+ warns otherwise);
# ai.djl.offline: fail fast instead of downloading.
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", \
            "-Dai.djl.offline=true", "-Djava.io.tmpdir=/tmp", \
            "org.springframework.boot.loader.launch.JarLauncher"]
