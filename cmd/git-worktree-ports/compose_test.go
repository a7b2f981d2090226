package main

import (
	"reflect"
	"testing"
)

func TestComposeFlags(t *testing.T) {
	tests := []struct {
		args  []string
		want  ComposeOptions
		usage bool
	}{
		{args: nil, want: ComposeOptions{}},
		{args: []string{"-f", "compose.yaml", "--file", "compose.dev.yaml"}, want: ComposeOptions{Files: []string{"compose.yaml", "compose.dev.yaml"}}},
		{args: []string{"--no-allocate"}, want: ComposeOptions{NoAllocate: true}},
		{args: []string{"up"}, usage: true},
	}
	for _, tt := range tests {
		var got *ComposeOptions
		cmd := NewCmdCompose(testFactory(), func(o *ComposeOptions) error { got = o; return nil })
		usage, err := parse(t, cmd, tt.args)
		if usage != tt.usage || (!tt.usage && err != nil) {
			t.Errorf("compose %q: usage error %v, err %v; want usage %v", tt.args, usage, err, tt.usage)
			continue
		}
		if tt.usage {
			continue
		}
		got.F = nil
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("compose %q: %+v, want %+v", tt.args, *got, tt.want)
		}
	}
}
