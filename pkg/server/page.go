package server

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// web holds the page: an HTML shell, its stylesheet and its script, kept as
// separate files for editing and inlined into one document when served.
//
//go:embed web/index.html web/app.css web/app.js
var web embed.FS

// page is the served document and policy, built once at start-up.
var page, pagePolicy = buildPage()

// buildPage inlines the stylesheet and script into the HTML shell and
// returns the document with a Content-Security-Policy that allows exactly
// these two inline blocks, fetches to this origin and nothing else: no other
// script, style, image, font, frame or form target can load, so the page
// works offline and a certificate typed into it can go nowhere but here.
func buildPage() ([]byte, string) {
	html, errH := web.ReadFile("web/index.html")
	css, errC := web.ReadFile("web/app.css")
	js, errJ := web.ReadFile("web/app.js")
	if errH != nil || errC != nil || errJ != nil {
		// The files are compiled in; this cannot happen in a built binary.
		return []byte("page missing from the build\n"), "default-src 'none'"
	}
	js = []byte(strings.Replace(string(js), "/*{{services}}*/{}", serviceTitles(), 1))
	doc := strings.NewReplacer("/*{{style}}*/", string(css), "/*{{script}}*/", string(js)).Replace(string(html))
	policy := "default-src 'none'; " +
		"style-src " + hashSource(css) + "; " +
		"script-src " + hashSource(js) + "; " +
		"connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	return []byte(doc), policy
}

// serviceTitles is the JSON object {type: title} of every known 007
// service, so the page names services from the same table as the CLI.
func serviceTitles() string {
	m := map[string]string{}
	for t := range uint16(64) {
		if si, ok := token.LookupService(t); ok {
			m[strconv.Itoa(int(t))] = si.Title
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "{}"
	}
	return string(b)
}

func hashSource(b []byte) string {
	sum := sha256.Sum256(b)
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// servePage serves GET /.
func servePage(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pagePolicy)
	h.Set("Content-Length", strconv.Itoa(len(page)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(page)
}
