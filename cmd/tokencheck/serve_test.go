package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tokencheck/tokencheck/pkg/decode"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeUsage(t *testing.T) {
	code, _, stderr := runCLI(t, "", nil, "serve", "extra")
	if code != exitUsage || !strings.Contains(stderr, "serve takes no arguments") {
		t.Errorf("serve extra: %d %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "", nil, "serve", "--addr", "127.0.0.1:notaport")
	if code != exitUsage || !strings.Contains(stderr, "tokencheck: error: listening on 127.0.0.1:notaport") {
		t.Errorf("serve bad addr: %d %q", code, stderr)
	}
	for _, addr := range []string{"", ":", "127.0.0.1:"} {
		code, _, stderr = runCLI(t, "", nil, "serve", "--addr", addr)
		if code != exitUsage || !strings.Contains(stderr, "tokencheck: error: --addr "+strconv.Quote(addr)+": no port") {
			t.Errorf("serve --addr %q: %d %q", addr, code, stderr)
		}
	}
}

// serveEnv prepares a serve run: the channel serveReady reports the
// address on (reset when the test ends) and an environment whose stderr is
// returned.
func serveEnv(t *testing.T) (chan net.Addr, *env, *syncBuffer) {
	addrc := make(chan net.Addr, 1)
	serveReady = func(a net.Addr) { addrc <- a }
	t.Cleanup(func() { serveReady = nil })
	stderr := new(syncBuffer)
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: stderr,
		now: func() time.Time { return time.Unix(1661271000, 0) }, lookupEnv: func(string) (string, bool) { return "", false }}
	return addrc, e, stderr
}

// TestServeStalledClient: a client that stalls mid-body does not keep the
// server from stopping: after the grace period its request is cut and the
// command exits 0.
func TestServeStalledClient(t *testing.T) {
	defer func(d time.Duration) { serveShutdownTimeout = d }(serveShutdownTimeout)
	serveShutdownTimeout = 200 * time.Millisecond
	addrc, e, stderr := serveEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- serve(ctx, e, "127.0.0.1:0") }()
	var addr net.Addr
	select {
	case addr = <-addrc:
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}
	conn, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A body declared longer than what is sent: the handler waits for it.
	if _, err := fmt.Fprintf(conn, "POST /api/inspect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"token\":"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d, want 0; log %s", code, stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not stop with a stalled client")
	}
	if log := stderr.String(); !strings.Contains(log, "were cut") || !strings.Contains(log, `"msg":"stopped"`) {
		t.Errorf("log:\n%s", log)
	}
}

// TestServeSignal runs the real command, uses it, stops it with SIGINT and
// reads its log: access lines for each request, a clean stop, and neither
// the certificate nor the token's signature anywhere.
func TestServeSignal(t *testing.T) {
	tok := strings.TrimSpace(readFile(t, example007))
	cert := strings.TrimSpace(readFile(t, sampleCert))
	m, err := decode.Parse(tok)
	if err != nil {
		t.Fatal(err)
	}
	sigHex := fmt.Sprintf("%x", m.T007.Signature)

	addrc, e, stderr := serveEnv(t)
	done := make(chan int, 1)
	go func() { done <- run(e, []string{"serve", "--addr", "127.0.0.1:0"}) }()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a.String()
	case code := <-done:
		t.Fatalf("serve exited early with %d: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}

	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	body, _ := json.Marshal(map[string]any{"token": tok, "cert": cert})
	resp, err = client.Post(base+"/api/inspect", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Verdict   string `json:"verdict"`
		Signature string `json:"signature"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if v.Verdict != "ok" || v.Signature != "valid" {
		t.Errorf("inspect through the command: %+v", v)
	}
	resp, err = client.Get(base + "/" + tok[:60] + "?cert=" + cert)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d after SIGINT, want 0", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
	log := stderr.String()
	for _, want := range []string{`"msg":"serving"`, `"path":"/healthz","status":200`, `"path":"/api/inspect","status":200`,
		`"path":"(other)","status":404`, `"msg":"shutting down"`, `"msg":"stopped"`, `"duration":`, `"bytes":`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
	for _, secret := range []string{cert, sigHex, tok[:60], tok[len(tok)-20:]} {
		if strings.Contains(log, secret) {
			t.Errorf("log holds %q", secret)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("log line is not JSON: %q", line)
		}
	}
}
