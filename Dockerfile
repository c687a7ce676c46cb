# syntax=docker/dockerfile:1
# One image, one command per service (`python -m <module>`, set by the ECS task definition).
# Two published targets from the same code:
#   base  — no ffmpeg: gateway, script, notifier           docker build --target base  -t repo:TAG-base .
#   media — base + ffmpeg, espeak-ng, DejaVu fonts:
#           narration, clips, music, composer              docker build --target media -t repo:TAG-media .
# Built for linux/arm64 (the ECS tasks run on Graviton): add --platform linux/arm64.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS deps
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml requirements.lock ./
COPY shared ./shared
COPY services ./services
COPY tools ./tools
# The runtime dependencies only, held at the lock's exact versions.
RUN pip install --constraint requirements.lock .

FROM ${PYTHON_IMAGE} AS base
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PHARMAGEN_WORKDIR=/tmp/pharmagen \
    PHARMAGEN_LOG_FORMAT=json
RUN groupadd --system --gid 10001 pharmagen \
 && useradd --system --uid 10001 --gid pharmagen --no-create-home --shell /usr/sbin/nologin pharmagen
COPY --from=deps /opt/venv /opt/venv
WORKDIR /app
USER 10001:10001
# Workers answer no port; the gateway's ALB and ECS checks call /health (terraform/modules/compute).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD ["python", "-m", "shared.liveness"]
CMD ["python", "-m", "services.gateway"]

FROM base AS media
USER root
RUN apt-get update \
 && apt-get install --yes --no-install-recommends ffmpeg espeak-ng fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
USER 10001:10001
