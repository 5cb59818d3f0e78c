// Package server is the HTTP face of tokencheck: a token debugger page and a
// small JSON API over the decode, verify and encode packages.
//
// Routes:
//
//	GET  /             the debugger page (embedded, self-contained, no external resources)
//	POST /api/inspect  an audit input object in, the verify object of the JSON contract out
//	POST /api/build    builder inputs in, a self-verified token and its verify object out
//	GET  /healthz      "ok"
//
// Errors in a request are answered with a 4xx status and {"error": "…"}; the
// message names what is wrong with the request and never carries internals.
// The server keeps nothing: certificates and tokens live only for the
// duration of a request. Like the other library packages it never logs; it
// reports each request to Config.AccessLog, which sees the method, route,
// status, duration and size, never a body, a query string or an unknown path.
package server

import (
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// DefaultMaxBodyBytes bounds a request body: room for the longest token the
// decoder accepts (token.MaxTokenLength) plus the other fields, JSON-escaped.
const DefaultMaxBodyBytes = 2*token.MaxTokenLength + 16<<10

// DefaultMaxInFlight bounds the API requests handled at once: each may hold
// up to MaxBodyBytes of body while a slow client sends it, so that clients
// that stall mid-body cannot make the server hold memory without bound.
const DefaultMaxInFlight = 64

// Config says how the handler behaves. The zero value is usable: the system
// clock, DefaultMaxBodyBytes, no access log and no builder (POST /api/build
// then answers 501).
type Config struct {
	// Now is the clock for requests that do not give "now".
	Now func() time.Time
	// MaxBodyBytes bounds request bodies; larger bodies get 413.
	MaxBodyBytes int64
	// MaxInFlight bounds the API requests handled at once
	// (DefaultMaxInFlight when 0); more get 503 at once.
	MaxInFlight int
	// Builder builds tokens for POST /api/build.
	Builder Builder
	// AccessLog, when set, is called once per request after the response.
	AccessLog func(AccessEntry)
}

// AccessEntry describes one request for an access log. It holds nothing a
// client sent beyond the method and a known route: no body, no query string,
// no header values, so neither a token nor a certificate can reach a log.
type AccessEntry struct {
	Method string
	// Route is the path when it is one the server serves, "/" for the page,
	// or "(other)" for any other path (an unknown path could be a pasted token).
	Route    string
	Status   int
	Bytes    int64
	Duration time.Duration
	// Remote is the client's address (host:port).
	Remote string
}

// routes the server knows; any other path is logged as "(other)".
var knownRoutes = map[string]bool{"/": true, "/api/inspect": true, "/api/build": true, "/healthz": true}

// New returns the handler for all routes.
func New(cfg Config) http.Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	s := &srv{cfg: cfg}
	slots := make(chan struct{}, cfg.MaxInFlight)
	mux := http.NewServeMux()
	mux.Handle("/{$}", only(http.MethodGet, http.HandlerFunc(servePage)))
	mux.Handle("/healthz", only(http.MethodGet, http.HandlerFunc(serveHealth)))
	mux.Handle("/api/inspect", only(http.MethodPost, limited(slots, http.HandlerFunc(s.inspect))))
	mux.Handle("/api/build", only(http.MethodPost, limited(slots, http.HandlerFunc(s.build))))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, noSuchPage)
	})
	return s.logged(headers(exact(mux)))
}

// noSuchPage answers a path the server does not serve.
const noSuchPage = "no such page: the page is at / and the API under /api/inspect and /api/build"

// exact answers, in JSON as every other answer, the requests ServeMux would
// answer itself in plain text or HTML: a path that is not clean ("//api/x",
// "/api/../api/x", which it redirects) and CONNECT (which it matches by
// host alone).
func exact(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodConnect:
			w.Header().Set("Allow", "GET, HEAD, POST")
			writeError(w, http.StatusMethodNotAllowed, "method CONNECT is not allowed here")
		case r.URL.Path == "" || path.Clean(r.URL.Path) != r.URL.Path:
			writeError(w, http.StatusNotFound, noSuchPage)
		default:
			h.ServeHTTP(w, r)
		}
	})
}

type srv struct{ cfg Config }

// only answers 405 with an Allow header and a JSON error for any method but
// m (and HEAD, when m is GET).
func only(m string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == m || (m == http.MethodGet && r.Method == http.MethodHead) {
			h.ServeHTTP(w, r)
			return
		}
		allow := m
		if m == http.MethodGet {
			allow += ", " + http.MethodHead
		}
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed here: use "+m)
	})
}

// limited handles a request when one of slots is free and answers 503 at
// once when none is.
func limited(slots chan struct{}, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
			h.ServeHTTP(w, r)
		default:
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("the server is handling %d requests already: try again", cap(slots)))
		}
	})
}

// headers sets the headers every answer carries: no caching (answers hold
// decoded tokens), no MIME sniffing, no referrer, no framing.
func headers(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Cache-Control", "no-store")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}

func serveHealth(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// recorder captures the status and size of a response for the access log.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *srv) logged(h http.Handler) http.Handler {
	if s.cfg.AccessLog == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		s.cfg.AccessLog(AccessEntry{Method: safeMethod(r.Method), Route: route(r.URL.Path), Status: status,
			Bytes: rec.bytes, Duration: time.Since(start), Remote: r.RemoteAddr})
	})
}

// route is the path for the log: a known route, or "(other)".
func route(p string) string {
	if knownRoutes[p] {
		return p
	}
	return "(other)"
}

// safeMethod keeps the standard methods and hides anything else, which is
// client-chosen text.
func safeMethod(m string) string {
	switch strings.ToUpper(m) {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "(other)"
}
