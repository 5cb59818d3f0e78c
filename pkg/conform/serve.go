package conform

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"
)

// Serve answers the conform protocol on r/w with tokencheck's own builders
// and parser: the reference adapter, which passes every check by
// construction. Mutate, when not nil, may change each built token before it is
// sent (tests use it to play a faulty builder). Serve returns at the end of r.
func Serve(r io.Reader, w io.Writer, reg Registry, mutate func(req *Request, tok string) string) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	bw := bufio.NewWriter(w)
	for sc.Scan() {
		line := sc.Bytes()
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		var req Request
		var resp Response
		if err := json.Unmarshal(line, &req); err != nil {
			msg := "bad request: " + err.Error()
			resp.Error = &msg
		} else {
			resp = answer(&req, reg, mutate)
		}
		b, err := json.Marshal(resp)
		if err != nil {
			return err
		}
		if _, err := bw.Write(append(b, '\n')); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	return sc.Err()
}

func answer(req *Request, reg Registry, mutate func(req *Request, tok string) string) Response {
	resp := Response{ID: req.ID}
	if req.Parse != "" {
		fields, err := Fields(req.Parse)
		ok := err == nil
		resp.OK = &ok
		if ok {
			resp.Fields = map[string]json.RawMessage{}
			for k, v := range fields {
				resp.Fields[k] = json.RawMessage(v)
			}
		}
		return resp
	}
	b, ok := reg[req.Builder]
	if !ok {
		msg := "unsupported: builder " + req.Builder
		resp.Error = &msg
		return resp
	}
	built, err := b.Build(req.Inputs)
	if err != nil {
		msg := err.Error()
		resp.Error = &msg
		return resp
	}
	tok := built.Token
	if mutate != nil {
		tok = mutate(req, tok)
	}
	resp.Token = &tok
	return resp
}
