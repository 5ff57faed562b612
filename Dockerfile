# ftppanel in a container: the FTP server and the panel, configured by
# FTPPANEL_* variables (see README, "Configuration"), data in the /data volume.
#
#   docker build -t ftppanel .
#   docker run -d --name ftppanel -p 2121:2121 -p 50000-50100:50000-50100 \
#     -p 8080:8080 -v ftppanel-data:/data ftppanel
#
# No container engine runs on the project's machines, so `make docker-check`
# (part of `make test`) runs this file's build command, checks that it is
# `make build`'s and that the binary is static, and checks the rest of the file.

# Build: modernc.org/sqlite is pure Go, so CGO_ENABLED=0 gives a static binary.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
# ftpserverlib with our fixes (go.mod replaces the module with this folder).
COPY internal/third_party/ftpserverlib ./internal/third_party/ftpserverlib
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/ftppanel ./cmd/ftppanel
RUN mkdir -p /out/data

# Run: nothing but the binary; no shell, no package manager.
FROM scratch
COPY --from=build /out/ftppanel /ftppanel
# The volume's mount point, owned by the user the server runs as.
COPY --from=build --chown=10001:10001 /out/data /data
ENV FTPPANEL_DATA=/data \
    FTPPANEL_FTP_ADDR=:2121 \
    FTPPANEL_HTTP_ADDR=:8080 \
    FTPPANEL_PASSIVE_PORTS=50000-50100
VOLUME /data
# FTP control, the passive data range (publish all of it), the panel.
EXPOSE 2121 50000-50100 8080
USER 10001:10001
# The healthcheck reads the same FTPPANEL_* variables as serve.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/ftppanel", "healthcheck"]
ENTRYPOINT ["/ftppanel"]
CMD ["serve"]
