package main

import (
	"reflect"
	"testing"
	"time"
)

func TestStopFlags(t *testing.T) {
	tests := []struct {
		args  []string
		want  StopOptions
		usage bool
	}{
		{args: nil, want: StopOptions{Timeout: 5 * time.Second}},
		{args: []string{"web", "--timeout", "200ms", "--dry-run"}, want: StopOptions{Service: "web", Timeout: 200 * time.Millisecond, DryRun: true}},
		{args: []string{"--removed"}, want: StopOptions{Removed: true, Timeout: 5 * time.Second}},
		{args: []string{"--removed", "web"}, usage: true},
		{args: []string{"web", "api"}, usage: true},
		{args: []string{"--timeout", "-1s"}, usage: true},
		{args: []string{"--timeout", "soon"}, usage: true},
	}
	for _, tt := range tests {
		var got *StopOptions
		cmd := NewCmdStop(testFactory(), func(o *StopOptions) error { got = o; return nil })
		usage, err := parse(t, cmd, tt.args)
		if usage != tt.usage || (!tt.usage && err != nil) {
			t.Errorf("stop %q: usage error %v, err %v; want usage %v", tt.args, usage, err, tt.usage)
			continue
		}
		if tt.usage {
			continue
		}
		got.F = nil
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("stop %q: %+v, want %+v", tt.args, *got, tt.want)
		}
	}
}
