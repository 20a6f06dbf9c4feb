# syntax=docker/dockerfile:1.7
# One image for every co2calc function; which one a container serves is chosen
# at run time by FUNCTION_TARGET / FUNCTION_SOURCE / FUNCTION_SIGNATURE_TYPE
# (set per Knative Service in knative/base and per service in compose.yaml).
#
#   docker build -t co2calc .                        # the functions image (target app)
#   docker build --target spa -t co2calc-spa .       # nginx + the built SPA
#
# With BuildKit (the default) only the stages a target needs are built.

# ---------------------------------------------------------------- SPA
FROM node:22-slim AS spa-build
WORKDIR /frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM nginxinc/nginx-unprivileged:1.27-alpine AS spa
# knative/base/spa.yaml mounts the SPA nginx config (history fallback to index.html).
COPY --from=spa-build /frontend/dist /usr/share/nginx/html
EXPOSE 8080

# ---------------------------------------------------------------- functions
FROM python:3.13-slim AS app
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /uvx /bin/

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.13 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /app

# 1. third-party dependencies only, exactly as locked (cached while uv.lock is unchanged)
COPY pyproject.toml uv.lock README.md ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-install-project

# 2. the project: lib/ (installed editable, so co2calc.wiring.REPO_ROOT is /app),
#    the functions, and the manifests the dev event bus reads
COPY lib/ lib/
COPY functions/ functions/
COPY knative/ knative/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev

RUN useradd --system --uid 10001 --gid 0 --home-dir /app --no-create-home co2calc
USER 10001:0

ENV PATH=/app/.venv/bin:$PATH \
    PORT=8080 \
    FUNCTION_SIGNATURE_TYPE=http
EXPOSE 8080

# Shell form on purpose (the variables are expanded at run time); exec keeps
# functions-framework as PID 1 so it gets SIGTERM. THREADS (gunicorn threads)
# is set per service to its container concurrency.
CMD exec functions-framework --target="$FUNCTION_TARGET" --source="$FUNCTION_SOURCE" --signature-type="$FUNCTION_SIGNATURE_TYPE" --port="$PORT"
