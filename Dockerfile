FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md requirements-runtime.lock ./
COPY playlist_sync ./playlist_sync
COPY workflows ./workflows
COPY activities ./activities
COPY worker.py starter.py ./
RUN pip install --no-cache-dir --require-hashes -r requirements-runtime.lock \
    && pip install --no-cache-dir --no-deps . && useradd --create-home app && mkdir /data && chown app /data
USER app
CMD ["python", "worker.py"]
