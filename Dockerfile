# Static build: modernc.org/sqlite needs no cgo.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/ftppanel ./cmd/ftppanel

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /data ftppanel && mkdir /data && chown ftppanel /data
COPY --from=build /out/ftppanel /usr/local/bin/ftppanel
VOLUME /data
# FTP control, passive data range, panel.
EXPOSE 2121 50000-50100 8080
USER ftppanel
ENTRYPOINT ["/usr/local/bin/ftppanel"]
CMD ["serve", "--data", "/data", "--ftp-addr", ":2121", "--http-addr", ":8080", "--passive-ports", "50000-50100"]
