package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/tokencheck/tokencheck/pkg/server"
)

func init() {
	register(&command{name: "serve", usage: "serve [--addr 127.0.0.1:8080]",
		summary: "serve the token debugger page and JSON API (loopback by default)", run: runServe})
}

// Server limits. The API answers in milliseconds; the timeouts bound what a
// slow or stalled client can hold.
const (
	serveReadHeaderTimeout = 5 * time.Second
	serveReadTimeout       = 15 * time.Second
	serveWriteTimeout      = 15 * time.Second
	serveIdleTimeout       = 60 * time.Second
	serveMaxHeaderBytes    = 16 << 10
)

// serveShutdownTimeout is the grace period of requests in flight when a
// signal stops the server (a variable for tests).
var serveShutdownTimeout = 5 * time.Second

// serveReady, when set (by tests), is called with the listening address once
// the server accepts connections and the signal handler is installed.
var serveReady func(addr net.Addr)

func runServe(e *env, args []string) int {
	const use = "serve [--addr 127.0.0.1:8080]"
	fs := newFlags(e, "serve", use)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port); keep it on loopback: the page sends certificates to it")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		errorf(e, "serve takes no arguments, got %q", fs.Args())
		return exitUsage
	}
	if _, port, err := net.SplitHostPort(*addr); *addr == "" || err == nil && port == "" {
		// Unset variables in a script ("", "$HOST:$PORT" as ":") would
		// otherwise listen on every interface at a random port.
		errorf(e, "--addr %q: no port (give host:port; leave --addr out for 127.0.0.1:8080)", *addr)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// Once the first signal has started the shutdown, a second one
		// ends the process at once, as it would without the handler.
		<-ctx.Done()
		stop()
	}()
	return serve(ctx, e, *addr)
}

// newLogger returns a production JSON logger writing to the command's stderr.
// accessLog logs one request: method, route, status, size and duration.
// server.AccessEntry carries nothing a client sent beyond these, so neither
// a token nor a certificate can reach the log.
func accessLog(log *zap.Logger) func(server.AccessEntry) {
	return func(a server.AccessEntry) {
		log.Info("request",
			zap.String("method", a.Method),
			zap.String("path", a.Route),
			zap.Int("status", a.Status),
			zap.Int64("bytes", a.Bytes),
			zap.Duration("duration", a.Duration),
			zap.String("remote", a.Remote))
	}
}

// serve runs the server on addr until ctx is done, then shuts it down,
// letting requests in flight finish.
func serve(ctx context.Context, e *env, addr string) int {
	log := newLogger(e.stderr, zap.InfoLevel).Named("serve")
	defer func() { _ = log.Sync() }()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		errorf(e, "listening on %s: %v", addr, err)
		return exitUsage
	}
	if !isLoopback(ln.Addr()) {
		log.Warn("listening beyond loopback: tokens and certificates sent to this server cross the network unencrypted",
			zap.String("addr", ln.Addr().String()))
	}
	srv := &http.Server{
		Handler: server.New(server.Config{
			Now:       e.now,
			Builder:   server.EncodeBuilder{},
			AccessLog: accessLog(log),
		}),
		ReadHeaderTimeout: serveReadHeaderTimeout,
		ReadTimeout:       serveReadTimeout,
		WriteTimeout:      serveWriteTimeout,
		IdleTimeout:       serveIdleTimeout,
		MaxHeaderBytes:    serveMaxHeaderBytes,
		// The standard library's own messages (TLS noise, panics in handlers)
		// go to the structured log too.
		ErrorLog: zap.NewStdLog(log.Named("http")),
	}
	log.Info("serving", zap.String("url", "http://"+ln.Addr().String()+"/"))
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	if serveReady != nil {
		serveReady(ln.Addr())
	}
	select {
	case err := <-done:
		if !errors.Is(err, http.ErrServerClosed) {
			log.Error("server stopped", zap.Error(err))
			return exitUsage
		}
		return exitOK
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), serveShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// Requests still in flight after the grace period (a client that
		// stalls mid-body) are cut: the server stops as asked.
		log.Warn("requests still in flight after the grace period were cut", zap.Duration("grace", serveShutdownTimeout), zap.Error(err))
		_ = srv.Close()
		log.Info("stopped")
		return exitOK
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("server stopped", zap.Error(err))
		return exitUsage
	}
	log.Info("stopped")
	return exitOK
}

// isLoopback reports whether a listening address accepts loopback
// connections only.
func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}
