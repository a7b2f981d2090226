package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"nope"}, {"proxy", "stray"}, {"proxy", "--nope"}, {"mcp", "x"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, strings.NewReader(""), &out, &errOut); code != 2 || out.Len() != 0 || !strings.Contains(errOut.String(), "usage:") {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want 2 and the usage on stderr", args, code, out.String(), errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"proxy", "--listen", "nowhere"}, nil, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "--listen nowhere: want ADDR:PORT") {
		t.Errorf("proxy --listen nowhere = %d, %q", code, errOut.String())
	}
}
